import { createHmac, timingSafeEqual } from "node:crypto"
import { DateTime, Effect, Layer, Option, Redacted, Schema } from "effect"
import { FileLinks } from "../../application/ports/file-links.js"
import { OrderId } from "../../domain/marketplace/order.js"

export { FileLinks, type SignedLink } from "../../application/ports/file-links.js"

const isOrderId = Schema.is(OrderId)

/**
 * What is signed. A link bound to an order signs under its own label, with its fields JSON-encoded:
 * no bound link can be replayed as an unbound one (or with another order) by moving text between
 * query parameters.
 */
const mac = (secret: string, key: string, expires: number, filename: string, order: Option.Option<string>) =>
  createHmac("sha256", secret).update(
    Option.match(order, {
      onNone: () => `brainops-file\n${key}\n${expires}\n${filename}`,
      onSome: (id) => `brainops-order-file\n${JSON.stringify([id, key, expires, filename])}`
    })
  ).digest("base64url")

/**
 * The signed links of the API (HMAC-SHA256 over the key, the download name, the expiry and, for a
 * marketplace download, the order).
 */
export const FileLinksHmac = (options: { readonly secret: Redacted.Redacted<string>; readonly publicBaseUrl: string }) =>
  Layer.succeed(FileLinks, FileLinks.of({
    sign: (key, expiresIn, filename, order) =>
      Effect.map(DateTime.now, (now) => {
        const expires = Math.ceil(DateTime.toEpochMillis(DateTime.addDuration(now, expiresIn)) / 1000)
        const bound = Option.fromNullishOr(order)
        const query = new URLSearchParams({
          file: Buffer.from(key).toString("base64url"),
          expires: String(expires),
          name: filename,
          ...Option.match(bound, { onNone: () => ({}), onSome: (id) => ({ order: id }) }),
          signature: mac(Redacted.value(options.secret), key, expires, filename, bound)
        })
        return `${options.publicBaseUrl.replace(/\/+$/, "")}/api/v1/files?${query}`
      }),
    verify: (token, expires, filename, signature, order) =>
      Effect.map(DateTime.now, (now) => {
        if (Option.isSome(order) && !isOrderId(order.value)) return Option.none()
        const key = Buffer.from(token, "base64url").toString("utf8")
        const expected = Buffer.from(mac(Redacted.value(options.secret), key, expires, filename, order))
        const given = Buffer.from(signature)
        const valid = expected.length === given.length && timingSafeEqual(expected, given)
        return valid && expires * 1000 > DateTime.toEpochMillis(now)
          ? Option.some({ key, filename, expires, order: Option.map(order, (id) => OrderId.make(id)) })
          : Option.none()
      })
  }))
