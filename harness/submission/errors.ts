/**
 * A submission broke a rule or failed at run time. The runner records the job as failed with
 * `message` as the reason and goes on with the other jobs.
 */

/** Why a submission was stopped, for grouping in reports. */
export type SubmissionFailure =
  | 'load' // threw while loading or creating the agent
  | 'threw' // threw in act/learn/setMode/stats
  | 'invalid-action'
  | 'time-limit' // per-decision or job limit
  | 'memory-limit'
  | 'permission' // started more processes than allowed (what its own process reports is 'load' or 'threw')
  | 'protocol' // an external or sandboxed process sent something that is not the protocol
  | 'crashed'; // the process exited unexpectedly

/** A submission failure with a clear one-line reason, e.g. "exceeded the 200 ms per-decision limit". */
export class SubmissionError extends Error {
  readonly failure: SubmissionFailure;
  /**
   * The end of the process's stderr when it exited (a Python traceback, a Node stack): shown by
   * `submission check` in full, never part of a result's one-line reason.
   */
  readonly stderrTail: string | undefined;
  constructor(failure: SubmissionFailure, message: string, stderrTail?: string) {
    super(message);
    this.name = 'SubmissionError';
    this.failure = failure;
    this.stderrTail = stderrTail;
  }
}

/** "invalid action 99 (mask 1,1,0,1)": the message for an action outside the mask. */
export function invalidActionMessage(action: unknown, mask: ArrayLike<number>): string {
  return `invalid action ${typeof action === 'number' ? action : JSON.stringify(action)} (mask ${Array.from(mask).join(',')})`;
}

/** Whether `action` is an integer index the mask allows. */
export function isValidAction(action: unknown, mask: ArrayLike<number>): action is number {
  return typeof action === 'number' && Number.isInteger(action) && action >= 0 && action < mask.length && mask[action] === 1;
}

/** Prefix of every reason a submission's own process sent: the harness did not observe it. */
export const REPORTED_PREFIX = 'reported by the submission: ';
