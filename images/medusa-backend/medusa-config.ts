// Medusa configuration for Storefleet store images. Everything store-specific comes from the
// environment the constructs set (DATABASE_URL, REDIS_URL, *_CORS, JWT/COOKIE secrets, COOKIE_SECURE).
import { loadEnv, defineConfig } from '@medusajs/framework/utils'

loadEnv(process.env.NODE_ENV || 'development', process.cwd())

// `medusa build` loads this file without secrets (MEDUSA_BUILD=1 in the Dockerfile); a running
// store must never fall back to a default secret.
function secret(name: string): string {
  const value = process.env[name]
  if (value) return value
  if (process.env.MEDUSA_BUILD === '1') return 'build-time-placeholder'
  throw new Error(`${name} is not set`)
}

// In-cluster Postgres speaks plain TCP; Medusa enables SSL for production by default.
const ssl = process.env.DATABASE_SSL === 'true' ? { rejectUnauthorized: false } : false

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    databaseDriverOptions: { connection: { ssl } },
    redisUrl: process.env.REDIS_URL,
    // Secure cookies are dropped by browsers on plain http (local profile): follow the public scheme.
    cookieOptions: { secure: process.env.COOKIE_SECURE === 'true', sameSite: 'lax' },
    http: {
      storeCors: process.env.STORE_CORS ?? '',
      adminCors: process.env.ADMIN_CORS ?? '',
      authCors: process.env.AUTH_CORS ?? '',
      jwtSecret: secret('JWT_SECRET'),
      cookieSecret: secret('COOKIE_SECRET'),
    },
  },
  // The admin is served by the backend itself (at /app on the store's admin host).
  admin: { backendUrl: '/' },
})
