import * as fs from "node:fs"
import * as path from "node:path"
import { inject } from "vitest"

/**
 * A new folder inside this run's scratch folder (made by tests/support/pglite-template.ts and
 * removed with everything in it when the run ends), so no test leaves anything in the system's /tmp.
 */
export const scratchDir = (prefix: string): string => fs.mkdtempSync(path.join(inject("testScratch"), prefix))
