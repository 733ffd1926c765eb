/**
 * Reciprocal rank fusion: each list votes 1 / (k + rank) for its items, so an item ranked well by
 * either retriever rises, and one ranked well by both rises most. Scores are not compared across
 * lists, which is the point: cosine similarity and text rank live on different scales. k = 60 is the
 * constant of the original paper (Cormack, Clarke, Büttcher 2009).
 */
export const reciprocalRankFusion = <Id>(lists: ReadonlyArray<ReadonlyArray<Id>>, k = 60): ReadonlyArray<{ readonly id: Id; readonly score: number }> => {
  const scores = new Map<Id, number>()
  for (const list of lists) {
    list.forEach((id, index) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + index + 1)))
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score)
}
