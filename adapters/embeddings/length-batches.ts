/**
 * How the texts of one embedding call are cut into batches for the model: by length, so that each
 * batch holds texts of about the same length. The model pads every text of a batch to its longest
 * one: one long text among 31 short ones made a batch of 32 cost four times as much here. Batches
 * are of about equal size (no 32 + 1), and a call of at least `minBatches * 4` texts is spread over
 * `minBatches` batches, so that every worker gets a share.
 *
 * Returns, for each batch, the positions of its texts in the call; every position appears once.
 */
export const lengthSortedBatches = (
  texts: ReadonlyArray<string>,
  batchSize: number,
  minBatches = 1
): ReadonlyArray<ReadonlyArray<number>> => {
  if (texts.length === 0) return []
  const count = Math.max(Math.ceil(texts.length / Math.max(1, batchSize)), Math.min(Math.max(1, minBatches), Math.floor(texts.length / 4)), 1)
  // Stable: equal lengths keep the order of the call.
  const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length || a - b)
  const size = Math.ceil(order.length / count)
  return Array.from({ length: Math.ceil(order.length / size) }, (_, b) => order.slice(b * size, (b + 1) * size))
}

/** The results of the batches put back in the order of the call. */
export const inCallOrder = <A>(batches: ReadonlyArray<ReadonlyArray<number>>, results: ReadonlyArray<ReadonlyArray<A>>): ReadonlyArray<A> => {
  const out = new Array<A>(batches.reduce((n, b) => n + b.length, 0))
  batches.forEach((positions, b) => positions.forEach((at, i) => (out[at] = results[b]![i]!)))
  return out
}
