import { DateTime, Duration, Effect, Layer } from "effect"
import { Redis } from "effect/persistence/Redis"
import * as RedisScripts from "effect/persistence/Redis"
import { StorageUnavailable } from "../../application/ports/errors.js"
import { RateLimiter, windowOf } from "../../application/ports/rate-limiter.js"

// Each window is a counter of its own, `<prefix>w:<start>:<end>:<key>`, that expires by itself when
// its window is over; `<prefix>k:<key>` lists a key's windows so that `reset` finds them. Every
// count is one Lua script: the increment, the expiry and the index entry happen atomically.

/** KEYS: pairs (window counter, the key's index); ARGV: pairs (increment, time to live in ms). Answers each total. */
const addScript = RedisScripts.script(
  (pairs: ReadonlyArray<{ readonly counter: string; readonly index: string; readonly count: number; readonly ttl: number }>) => [
    ...pairs.flatMap((p) => [p.counter, p.index]),
    ...pairs.flatMap((p) => [p.count, p.ttl])
  ],
  {
    numberOfKeys: (pairs) => pairs.length * 2,
    lua: `
local totals = {}
for n = 1, #KEYS / 2 do
  local counter, index = KEYS[2 * n - 1], KEYS[2 * n]
  local increment, ttl = tonumber(ARGV[2 * n - 1]), tonumber(ARGV[2 * n])
  local total = redis.call('INCRBY', counter, increment)
  if total == increment then
    redis.call('PEXPIRE', counter, ttl)
    redis.call('SADD', index, counter)
    if redis.call('PTTL', index) < ttl then redis.call('PEXPIRE', index, ttl) end
  end
  totals[n] = total
end
return totals`
  }
).withReturnType<ReadonlyArray<number>>()

/** KEYS[1]: a key's index. Deletes every window it lists, and the index. */
const resetScript = RedisScripts.script((index: string) => [index], {
  numberOfKeys: 1,
  lua: `
local counters = redis.call('SMEMBERS', KEYS[1])
for _, counter in ipairs(counters) do redis.call('DEL', counter) end
redis.call('DEL', KEYS[1])
return #counters`
}).withReturnType<number>()

const globEscape = (text: string) => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`)

/**
 * The RateLimiter on Redis (server profile, REDIS_URL): every policy's counters shared by all
 * processes, a count costing one Redis round trip and no database write. `prefix` namespaces the
 * keys (several deployments, or test runs, on one Redis). Scripts touch keys they compute
 * (a window listed in an index), so this needs a single Redis, not a cluster.
 */
export const RateLimiterRedis = (prefix: string) =>
  Layer.effect(
    RateLimiter,
    Effect.gen(function*() {
      const redis = yield* Redis
      const add = redis.eval(addScript)
      const reset = redis.eval(resetScript)
      const unavailable = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.catch(effect, (error) =>
          Effect.logWarning("redis unavailable", error).pipe(
            Effect.andThen(Effect.fail(new StorageUnavailable({ message: "the rate-limit store is unavailable" })))
          ))
      const windowAt = (key: string, window: Duration.Duration, at: DateTime.Utc) => {
        const millis = Duration.toMillis(window)
        const atMillis = DateTime.toEpochMillis(at)
        const { retryAfterSeconds, start } = windowOf(atMillis, millis)
        const end = start + millis
        return {
          counter: `${prefix}w:${start}:${end}:${key}`,
          index: `${prefix}k:${key}`,
          // Kept a little past the window's end (as seen by the caller's clock), then Redis drops it.
          ttl: Math.max(1_000, end - atMillis + 1_000),
          retryAfterSeconds
        }
      }
      return RateLimiter.of({
        hit: (key, limit, window, now) => {
          const w = windowAt(key, window, now)
          return add([{ ...w, count: 1 }]).pipe(
            Effect.map(([count = 1]) => ({ allowed: count <= limit, count, retryAfterSeconds: w.retryAfterSeconds })),
            unavailable
          )
        },
        add: (increments) => {
          if (increments.length === 0) return Effect.succeed([])
          const pairs = increments.map(({ at, count, key, window }) => ({ ...windowAt(key, window, at), count }))
          return add(pairs).pipe(
            // A window counted twice in the batch answers its total after the batch, both times.
            Effect.map((totals) => {
              const after = new Map<string, number>()
              pairs.forEach((p, i) => after.set(p.counter, Math.max(after.get(p.counter) ?? 0, Number(totals[i]))))
              return pairs.map((p) => after.get(p.counter)!)
            }),
            unavailable
          )
        },
        peek: (key, limit, window, now) => {
          const w = windowAt(key, window, now)
          return redis.send<string | null>("GET", w.counter).pipe(
            Effect.map((value) => {
              const count = value === null ? 0 : Number(value)
              return { allowed: count < limit, count, retryAfterSeconds: w.retryAfterSeconds }
            }),
            unavailable
          )
        },
        reset: (key) => reset(`${prefix}k:${key}`).pipe(Effect.asVoid, unavailable),
        // Windows expire by themselves; this drops those that ended before `before` by the caller's
        // clock (one SCAN over this prefix's counters).
        prune: (before) =>
          Effect.gen(function*() {
            const cutoff = DateTime.toEpochMillis(before)
            const pattern = `${globEscape(prefix)}w:*`
            let cursor = "0"
            let dropped = 0
            do {
              const [next, keys] = yield* redis.send<readonly [string, ReadonlyArray<string>]>("SCAN", cursor, "MATCH", pattern, "COUNT", "1000")
              cursor = next
              const ended = keys.filter((k) => Number(k.slice(prefix.length).split(":")[2]) < cutoff)
              if (ended.length > 0) dropped += Number(yield* redis.send<number>("DEL", ...ended))
            } while (cursor !== "0")
            return dropped
          }).pipe(unavailable)
      })
    })
  )
