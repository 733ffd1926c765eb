import { Layer } from "effect"
import { UnitOfWork } from "../../application/ports/unit-of-work.js"

/**
 * For tests only. Runs the work as it is: rollback is not modelled here (the SQL adapter's real
 * transactions are exercised by the PGlite and PostgreSQL suites).
 */
export const UnitOfWorkMemory = Layer.succeed(UnitOfWork, UnitOfWork.of({ transaction: (effect) => effect }))
