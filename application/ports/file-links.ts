import { Context, type Duration, type Effect, type Option } from "effect"
import type { OrderId } from "../../domain/marketplace/order.js"

export interface SignedLink {
  readonly key: string
  readonly filename: string
  readonly expires: number
  /** The order the link was issued for: the API serves it only while that order is paid. */
  readonly order: Option.Option<OrderId>
}

/**
 * Short-lived download links served by the API itself, whatever the file store: a link cannot be
 * altered or extended, and one bound to an order stops working when the order is refunded, because
 * the API checks the order on every download (a presigned store URL could not be taken back).
 */
export class FileLinks extends Context.Service<FileLinks, {
  readonly sign: (key: string, expiresIn: Duration.Input, filename: string, order?: OrderId) => Effect.Effect<string>
  /** The link's file when the signature holds and it has not expired. */
  readonly verify: (
    token: string,
    expires: number,
    filename: string,
    signature: string,
    order: Option.Option<string>
  ) => Effect.Effect<Option.Option<SignedLink>>
}>()("FileLinks") {}
