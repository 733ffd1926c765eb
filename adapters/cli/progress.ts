/** A one-line progress bar for a terminal: `[#########...........]  45%  4,500 / 10,000`. */
export const progressBar = (done: number, total: number | null, width = 30): string => {
  if (total === null || total <= 0) return `${done.toLocaleString("en")} done`
  const share = Math.min(1, done / total)
  const filled = Math.round(share * width)
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${done.toLocaleString("en")} / ${total.toLocaleString("en")}`
}

/** What a job's progress prints: a bar redrawn in place on a terminal, plain lines (at most every 10 %) otherwise. */
export const progressPrinter = (isTty: boolean, write: (s: string) => void) => {
  let lastStep = -1
  return {
    update: (done: number, total: number | null) => {
      if (isTty) return write(`\r${progressBar(done, total)}`)
      const step = total ? Math.floor((done / total) * 10) : Math.floor(done / 1000)
      if (step !== lastStep) {
        lastStep = step
        write(`${total ? `${Math.floor((done / total) * 100)}% ` : ""}${done}${total ? ` of ${total}` : ""} records\n`)
      }
    },
    end: () => (isTty ? write("\n") : undefined)
  }
}
