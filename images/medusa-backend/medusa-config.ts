// Medusa configuration for Storefleet store images. Everything store-specific comes from the
// environment the store's manifests set; nothing secret has a default. A missing or malformed
// variable stops the process with a message naming it (the pod's log says what to fix).
import { defineConfig, Modules } from '@medusajs/framework/utils'

// Telemetry off before anything else can report.
process.env.MEDUSA_DISABLE_TELEMETRY = 'true'

// `medusa build` (MEDUSA_BUILD=1, image build only) loads this file without any store's env.
const building = process.env.MEDUSA_BUILD === '1'
const problems: string[] = []

function read(name: string, valid: (v: string) => boolean, hint: string): string {
  const value = process.env[name]
  if (building) return value ?? ''
  if (value === undefined || value === '') problems.push(`${name} is not set (${hint})`)
  else if (!valid(value)) problems.push(`${name} is malformed (${hint})`)
  return value ?? ''
}

const url = (protocols: string[]) => (v: string) => {
  try {
    return protocols.includes(new URL(v).protocol)
  } catch {
    return false
  }
}
const origins = (v: string) => v.split(',').every(url(['http:', 'https:']))

const env = {
  databaseUrl: read('DATABASE_URL', url(['postgres:', 'postgresql:']), 'postgres://user:password@host:5432/db'),
  redisUrl: read('REDIS_URL', url(['redis:', 'rediss:']), 'redis://host:6379'),
  jwtSecret: read('JWT_SECRET', (v) => v.length >= 32, 'at least 32 characters'),
  cookieSecret: read('COOKIE_SECRET', (v) => v.length >= 32, 'at least 32 characters'),
  storeCors: read('STORE_CORS', origins, 'comma-separated http(s) origins'),
  adminCors: read('ADMIN_CORS', origins, 'comma-separated http(s) origins'),
  authCors: read('AUTH_CORS', origins, 'comma-separated http(s) origins'),
  cookieSecure: read('COOKIE_SECURE', (v) => v === 'true' || v === 'false', 'true or false') === 'true',
}
if (problems.length > 0) {
  for (const p of problems) console.error(`medusa-config: ${p}`)
  process.exit(2)
}

// In-cluster Postgres speaks plain TCP; Medusa enables SSL for production by default.
const ssl = process.env.DATABASE_SSL === 'true' ? { rejectUnauthorized: false } : false
const redis = { redisUrl: env.redisUrl }

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: env.databaseUrl,
    databaseDriverOptions: { connection: { ssl } },
    redisUrl: env.redisUrl,
    // Secure cookies are dropped by browsers on plain http (local profile): follow the public scheme.
    cookieOptions: { secure: env.cookieSecure, sameSite: 'lax' },
    http: {
      storeCors: env.storeCors,
      adminCors: env.adminCors,
      authCors: env.authCors,
      jwtSecret: env.jwtSecret,
      cookieSecret: env.cookieSecret,
    },
  },
  // The admin is served by the backend itself (at /app on the store's admin host), same origin.
  admin: { backendUrl: '/' },
  // Events and workflow state survive a backend restart and are shared during a rolling update.
  modules: [
    { resolve: '@medusajs/medusa/event-bus-redis', key: Modules.EVENT_BUS, options: redis },
    { resolve: '@medusajs/medusa/workflow-engine-redis', key: Modules.WORKFLOW_ENGINE, options: { redis } },
  ],
})
