/**
 * Long content is embedded in overlapping chunks, so a passage deep inside a long memory can still be
 * found, and the best chunk can be shown as the snippet. Chunks end at sentence (or, failing that,
 * word) boundaries, hold at most `maxChars` characters, and repeat about `overlapChars` of the
 * previous chunk's end so a sentence cut by a boundary is whole in one of them.
 */
export interface ChunkOptions {
  readonly maxChars: number
  readonly overlapChars: number
}

export const DEFAULT_CHUNKING: ChunkOptions = { maxChars: 800, overlapChars: 150 }

export interface Chunk {
  readonly index: number
  readonly text: string
  /** Offset of the chunk's first character in the content. */
  readonly start: number
}

/** Sentence-ish units with their offsets; a unit longer than `max` is cut at word boundaries. */
const units = (content: string, max: number): Array<{ text: string; start: number }> => {
  const out: Array<{ text: string; start: number }> = []
  const sentence = /[^.!?\n]+(?:[.!?]+|\n+|$)/g
  for (let m = sentence.exec(content); m !== null; m = sentence.exec(content)) {
    if (m[0].length === 0) {
      sentence.lastIndex++
      continue
    }
    // A unit starts at its first non-space character, so offsets point at the text itself.
    const lead = m[0].length - m[0].trimStart().length
    let text = m[0].slice(lead)
    let start = m.index + lead
    while (text.length > max) {
      const cut = text.lastIndexOf(" ", max) > max / 2 ? text.lastIndexOf(" ", max) : max
      out.push({ text: text.slice(0, cut), start })
      text = text.slice(cut)
      start += cut
    }
    if (text.trim().length > 0) out.push({ text, start })
  }
  return out
}

export const chunkText = (content: string, options: ChunkOptions = DEFAULT_CHUNKING): ReadonlyArray<Chunk> => {
  if (options.maxChars <= 0 || options.overlapChars < 0 || options.overlapChars >= options.maxChars) {
    throw new Error("chunking needs 0 <= overlapChars < maxChars")
  }
  if (content.trim().length === 0) return []
  if (content.length <= options.maxChars) return [{ index: 0, text: content.trim(), start: 0 }]
  const pieces = units(content, options.maxChars)
  const chunks: Array<Chunk> = []
  let i = 0
  while (i < pieces.length) {
    let end = i
    let length = 0
    while (end < pieces.length && (end === i || length + pieces[end]!.text.length <= options.maxChars)) {
      length += pieces[end]!.text.length
      end++
    }
    const first = pieces[i]!
    const last = pieces[end - 1]!
    chunks.push({ index: chunks.length, text: content.slice(first.start, last.start + last.text.length).trim(), start: first.start })
    if (end >= pieces.length) break
    // Step back over the last units that fit in the overlap, but always move forward.
    let next = end
    let overlap = 0
    while (next - 1 > i && overlap + pieces[next - 1]!.text.length <= options.overlapChars) {
      overlap += pieces[next - 1]!.text.length
      next--
    }
    i = next
  }
  return chunks
}
