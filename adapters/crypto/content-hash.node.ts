import { createHash } from "node:crypto"
import { Layer } from "effect"
import { ContentHash } from "../../application/ports/content-hash.js"

export const ContentHashNode = Layer.succeed(ContentHash, ContentHash.of({
  sha256: (text) => createHash("sha256").update(text).digest("hex")
}))
