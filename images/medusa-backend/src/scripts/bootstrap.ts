// Storefleet's store bootstrap, run by `medusa exec` from the bootstrap Job (constructs/scripts/
// medusa-bootstrap.sh). It ENSURES the state one store needs instead of seeding once, so a Job
// retry, a pod restart or a second run changes nothing and succeeds:
//   a region containing STORE_COUNTRY (currency STORE_CURRENCY, manual payment provider), its tax
//   region, a stock location with a delivery zone for that country and one shipping option, one
//   product with a priced variant, the publishable API key whose token equals PUBLISHABLE_KEY
//   (the platform's sealed value), and the admin user ADMIN_EMAIL / ADMIN_PASSWORD.
// Every entity is found by a stable identity (country, name, handle, token, email), never by
// "the first one", because Medusa's own loaders create defaults (e.g. "Default Publishable API
// Key") on every start and `medusa exec`.
import { dirname, join } from 'node:path'
import type { ExecArgs } from '@medusajs/framework/types'
import { MigrationScriptsMigrator } from '@medusajs/framework/migrations'
import { ContainerRegistrationKeys, getResolvedPlugins, Modules, ProductStatus } from '@medusajs/framework/utils'
import {
  createApiKeysWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  createTaxRegionsWorkflow,
  createUsersWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateRegionsWorkflow,
  updateTaxRegionsWorkflow,
  updateStoresWorkflow,
} from '@medusajs/medusa/core-flows'

const MANUAL_PAYMENT = 'pp_system_default'
const MANUAL_FULFILLMENT = 'manual_manual'
const SYSTEM_TAX = 'tp_system'
const NAMES = {
  stockLocation: 'Storefleet warehouse',
  fulfillmentSet: 'Storefleet delivery',
  shippingOption: 'Standard delivery',
  productHandle: 'storefleet-sample',
  apiKeyTitle: 'Storefleet storefront',
}

interface Env {
  adminEmail: string
  adminPassword: string
  publishableKey: string
  country: string
  currency: string
  storeName?: string
}

/** Checks this script's env contract; names every missing or malformed variable. */
function readEnv(env: NodeJS.ProcessEnv): Env {
  const problems: string[] = []
  const need = (name: string, valid: (v: string) => boolean, hint: string): string => {
    const v = env[name]
    if (!v) problems.push(`${name} is not set (${hint})`)
    else if (!valid(v)) problems.push(`${name} is malformed (${hint})`)
    return v ?? ''
  }
  const result: Env = {
    adminEmail: need('ADMIN_EMAIL', (v) => /^[^\s@]+@[^\s@]+$/.test(v), 'an email address'),
    adminPassword: need('ADMIN_PASSWORD', (v) => v.length >= 12, 'at least 12 characters'),
    publishableKey: need('PUBLISHABLE_KEY', (v) => /^pk_[A-Za-z0-9_-]{16,}$/.test(v), 'pk_ followed by at least 16 characters'),
    country: need('STORE_COUNTRY', (v) => /^[a-z]{2}$/.test(v), 'a lower-case two-letter country code'),
    currency: need('STORE_CURRENCY', (v) => /^[a-z]{3}$/.test(v), 'a lower-case three-letter currency code'),
    storeName: env.STORE_NAME || undefined,
  }
  if (problems.length > 0) throw new Error(`bootstrap: ${problems.join('; ')}`)
  return result
}

/**
 * Medusa's data migration scripts (what `medusa db:migrate:scripts` runs), in this process: the
 * init container runs `medusa db:migrate --skip-scripts`, because the scripts need a fully booted
 * app and `db:migrate` would boot one more (~15-20 s) just for them. Recorded in
 * script_migrations, so each runs once.
 */
async function runMigrationScripts(container: ExecArgs['container'], log: (msg: string) => void): Promise<void> {
  const config = container.resolve(ContainerRegistrationKeys.CONFIG_MODULE)
  const plugins = await getResolvedPlugins(process.cwd(), config, true)
  const paths = [
    join(dirname(require.resolve('@medusajs/medusa')), 'migration-scripts'),
    ...(plugins ?? []).map((p: { resolve: string }) => join(p.resolve, 'migration-scripts')),
  ]
  const migrator = new MigrationScriptsMigrator({ container })
  await migrator.ensureMigrationsTable()
  const pending = await migrator.getPendingMigrations(paths)
  if (pending.length === 0) return
  log(`running ${pending.length} migration script(s)`)
  await migrator.run(paths)
}

/**
 * The search indexes' create/alter step of `medusa db:migrate` (never a drop), for the same reason:
 * the init container runs `--skip-search`, which saves a second app boot there. On a new store
 * there is nothing to do; an index a Medusa upgrade adds is filled at the next backend start.
 */
async function migrateSearchIndexes(container: ExecArgs['container'], log: (msg: string) => void): Promise<void> {
  if (!container.hasRegistration(Modules.SEARCH)) return
  const search = container.resolve(Modules.SEARCH)
  const plan = await search.createIndexMigrationPlan()
  const todo = plan.filter((a) => a.action === 'create' || a.action === 'migrate')
  if (todo.length === 0) return
  await search.executeIndexMigrationPlan([...plan.filter((a) => a.action === 'noop'), ...todo])
  log(`search indexes created or migrated: ${todo.map((a) => a.index).join(', ')} (filled at the next backend start)`)
}

export default async function bootstrap({ container }: ExecArgs): Promise<void> {
  const env = readEnv(process.env)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const log = (msg: string) => logger.info(`bootstrap: ${msg}`)
  await runMigrationScripts(container, log)
  await migrateSearchIndexes(container, log)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const pg = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  const storeModule = container.resolve(Modules.STORE)
  const regionModule = container.resolve(Modules.REGION)
  const taxModule = container.resolve(Modules.TAX)
  const stockModule = container.resolve(Modules.STOCK_LOCATION)
  const fulfillment = container.resolve(Modules.FULFILLMENT)
  const productModule = container.resolve(Modules.PRODUCT)
  const apiKeys = container.resolve(Modules.API_KEY)
  const users = container.resolve(Modules.USER)
  const auth = container.resolve(Modules.AUTH)

  // Store: name and currency. The loaders created it and its default sales channel.
  const [store] = await storeModule.listStores({}, { relations: ['supported_currencies'] })
  if (!store?.default_sales_channel_id) throw new Error('bootstrap: the store or its default sales channel is missing')
  const salesChannelId = store.default_sales_channel_id
  const currencies = store.supported_currencies ?? []
  const hasCurrency = currencies.some((c) => c.currency_code === env.currency && c.is_default)
  const wantName = env.storeName ?? store.name
  if (!hasCurrency || store.name !== wantName) {
    await updateStoresWorkflow(container).run({
      input: {
        selector: { id: store.id },
        update: {
          name: wantName,
          supported_currencies: [
            { currency_code: env.currency, is_default: true },
            ...currencies.filter((c) => c.currency_code !== env.currency).map((c) => ({ currency_code: c.currency_code, is_default: false })),
          ],
        },
      },
    })
    log(`store "${wantName}" sells in ${env.currency}`)
  }

  // Region containing the country, with the manual payment provider.
  const regions = await regionModule.listRegions({}, { relations: ['countries'] })
  let region = regions.find((r) => r.countries?.some((c) => c.iso_2 === env.country))
  if (!region) {
    const { result } = await createRegionsWorkflow(container).run({
      input: { regions: [{ name: env.country.toUpperCase(), currency_code: env.currency, countries: [env.country], payment_providers: [MANUAL_PAYMENT] }] },
    })
    region = result[0]
    log(`region ${region.id} created for ${env.country}`)
  }
  const { data: [regionProviders] } = await query.graph({ entity: 'region', fields: ['id', 'payment_providers.id'], filters: { id: region.id } })
  const providerIds: string[] = (regionProviders?.payment_providers ?? []).map((p: { id: string }) => p.id)
  if (!providerIds.includes(MANUAL_PAYMENT)) {
    await updateRegionsWorkflow(container).run({
      input: { selector: { id: region.id }, update: { payment_providers: [...providerIds, MANUAL_PAYMENT] } },
    })
    log(`manual payment enabled in region ${region.id}`)
  }
  const regionCurrency = region.currency_code

  // Carts compute taxes through the region's tax provider: without one, adding an item fails.
  const taxRegion = (await taxModule.listTaxRegions({ country_code: env.country })).find((t) => !t.parent_id)
  if (!taxRegion) {
    await createTaxRegionsWorkflow(container).run({ input: [{ country_code: env.country, provider_id: SYSTEM_TAX }] })
    log(`tax region created for ${env.country}`)
  } else if (taxRegion.provider_id !== SYSTEM_TAX) {
    await updateTaxRegionsWorkflow(container).run({ input: [{ id: taxRegion.id, provider_id: SYSTEM_TAX }] })
    log(`tax region for ${env.country} uses the system tax provider`)
  }

  // Stock location, linked to the sales channel and the manual fulfillment provider.
  let [location] = await stockModule.listStockLocations({ name: NAMES.stockLocation })
  if (!location) {
    const { result } = await createStockLocationsWorkflow(container).run({
      input: { locations: [{ name: NAMES.stockLocation, address: { address_1: '', country_code: env.country.toUpperCase() } }] },
    })
    location = result[0]
    log(`stock location ${location.id} created`)
  }
  const { data: [locationLinks] } = await query.graph({
    entity: 'stock_location',
    fields: ['id', 'sales_channels.id', 'fulfillment_providers.id', 'fulfillment_sets.id'],
    filters: { id: location.id },
  })
  if (!locationLinks?.sales_channels?.some((s: { id: string }) => s.id === salesChannelId)) {
    await linkSalesChannelsToStockLocationWorkflow(container).run({ input: { id: location.id, add: [salesChannelId] } })
    log('stock location linked to the sales channel')
  }
  if (!locationLinks?.fulfillment_providers?.some((p: { id: string }) => p.id === MANUAL_FULFILLMENT)) {
    await link.create({ [Modules.STOCK_LOCATION]: { stock_location_id: location.id }, [Modules.FULFILLMENT]: { fulfillment_provider_id: MANUAL_FULFILLMENT } })
    log('manual fulfillment provider linked to the stock location')
  }

  // Shipping profile, delivery zone for the country, and one shipping option priced in the region.
  let [profile] = await fulfillment.listShippingProfiles({ type: 'default' })
  if (!profile) {
    const { result } = await createShippingProfilesWorkflow(container).run({ input: { data: [{ name: 'Default', type: 'default' }] } })
    profile = result[0]
    log('shipping profile created')
  }
  let [fulfillmentSet] = await fulfillment.listFulfillmentSets({ name: NAMES.fulfillmentSet }, { relations: ['service_zones'] })
  if (!fulfillmentSet) {
    fulfillmentSet = await fulfillment.createFulfillmentSets({
      name: NAMES.fulfillmentSet,
      type: 'shipping',
      service_zones: [{ name: env.country.toUpperCase(), geo_zones: [{ type: 'country', country_code: env.country }] }],
    })
    log(`fulfillment set ${fulfillmentSet.id} created`)
  }
  if (!locationLinks?.fulfillment_sets?.some((f: { id: string }) => f.id === fulfillmentSet.id)) {
    await link.create({ [Modules.STOCK_LOCATION]: { stock_location_id: location.id }, [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id } })
    log('fulfillment set linked to the stock location')
  }
  const zone = fulfillmentSet.service_zones[0]
  const options = await fulfillment.listShippingOptions({ name: NAMES.shippingOption, service_zone: { id: zone.id } })
  if (options.length === 0) {
    await createShippingOptionsWorkflow(container).run({
      input: [
        {
          name: NAMES.shippingOption,
          price_type: 'flat',
          provider_id: MANUAL_FULFILLMENT,
          service_zone_id: zone.id,
          shipping_profile_id: profile.id,
          type: { label: 'Standard', description: 'Delivered in 2-3 days.', code: 'standard' },
          prices: [
            { currency_code: regionCurrency, amount: 5 },
            { region_id: region.id, amount: 5 },
          ],
          rules: [
            { attribute: 'enabled_in_store', value: 'true', operator: 'eq' },
            { attribute: 'is_return', value: 'false', operator: 'eq' },
          ],
        },
      ],
    })
    log('shipping option created')
  }

  // One product with a priced variant, sold in the sales channel.
  if ((await productModule.listProducts({ handle: NAMES.productHandle })).length === 0) {
    await createProductsWorkflow(container).run({
      input: {
        products: [
          {
            title: 'Storefleet Mug',
            handle: NAMES.productHandle,
            description: 'A sturdy mug: the sample product of a new store.',
            status: ProductStatus.PUBLISHED,
            shipping_profile_id: profile.id,
            options: [{ title: 'Size', values: ['Standard'] }],
            variants: [
              {
                title: 'Standard',
                sku: 'STOREFLEET-MUG',
                options: { Size: 'Standard' },
                manage_inventory: false,
                prices: [{ currency_code: regionCurrency, amount: 12 }],
              },
            ],
            sales_channels: [{ id: salesChannelId }],
          },
        ],
      },
    })
    log('sample product created')
  }

  // The publishable key whose token is the platform's value. Medusa generates tokens itself and
  // stores publishable ones in plain text, so the key is created (or found by its title after an
  // interrupted run) and its token set to the sealed value.
  const publishable = (await apiKeys.listApiKeys({ type: 'publishable' })).filter((k) => !k.revoked_at)
  let key = publishable.find((k) => k.token === env.publishableKey)
  if (!key) {
    key = publishable.find((k) => k.title === NAMES.apiKeyTitle)
    if (!key) {
      const { result } = await createApiKeysWorkflow(container).run({
        input: { api_keys: [{ title: NAMES.apiKeyTitle, type: 'publishable', created_by: '' }] },
      })
      key = result[0]
    }
    const redacted = [env.publishableKey.slice(0, 6), env.publishableKey.slice(-3)].join('***')
    await pg('api_key').where({ id: key.id }).update({ token: env.publishableKey, redacted, updated_at: new Date() })
    log(`publishable key ${key.id} set to the platform's value`)
  }
  const { data: [keyLinks] } = await query.graph({ entity: 'api_key', fields: ['id', 'sales_channels.id'], filters: { id: key.id } })
  if (!keyLinks?.sales_channels?.some((s: { id: string }) => s.id === salesChannelId)) {
    await linkSalesChannelsToApiKeyWorkflow(container).run({ input: { id: key.id, add: [salesChannelId] } })
    log('publishable key linked to the sales channel')
  }

  // Admin user and its email/password identity (each ensured: a run can stop between the two).
  let [user] = await users.listUsers({ email: env.adminEmail })
  if (!user) {
    const { result } = await createUsersWorkflow(container).run({ input: { users: [{ email: env.adminEmail }] } })
    user = result[0]
    log('admin user created')
  }
  const identities = await auth.listProviderIdentities({ entity_id: env.adminEmail, provider: 'emailpass' }, { relations: ['auth_identity'] })
  let identity = identities[0]?.auth_identity
  if (!identity) {
    const { success, authIdentity, error } = await auth.register('emailpass', { body: { email: env.adminEmail, password: env.adminPassword } })
    if (!success || !authIdentity) throw new Error(`bootstrap: registering the admin login failed: ${error ?? 'unknown error'}`)
    identity = authIdentity
    log('admin login registered')
  }
  if (identity.app_metadata?.user_id !== user.id) {
    await auth.updateAuthIdentities({ id: identity.id, app_metadata: { ...(identity.app_metadata ?? {}), user_id: user.id } })
    log('admin login linked to the admin user')
  }
  log('done')
}
