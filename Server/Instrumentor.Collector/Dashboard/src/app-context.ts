// What the views share: the current URL state, navigation, and the error/key handling.

import { UnauthorizedError } from "./api";
import type { PageState } from "./url-state";

export interface AppContext {
  state(): PageState;
  /** Moves to a new state (a new history entry for "push"), then renders what changed. */
  navigate(next: PageState, mode: "push" | "replace"): void;
  /** Shows an error in the page; a missing or wrong read key opens the key prompt instead. */
  fail(error: unknown): void;
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof UnauthorizedError;
}
