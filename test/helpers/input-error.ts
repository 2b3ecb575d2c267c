/** Asserting the located InputError a call throws. */
import { expect } from 'vitest';
import { InputError } from '../../harness/errors.ts';

/** Runs `fn` (sync or async), expects it to throw an InputError and returns that error. */
export async function inputError(fn: () => unknown): Promise<InputError> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InputError);
  return caught as InputError;
}
