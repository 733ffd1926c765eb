import { addEqualityTesters } from "@effect/vitest"

// Lets expect(...).toEqual compare Effect values (Option, DateTime, Schema classes) by Equal.
addEqualityTesters()
