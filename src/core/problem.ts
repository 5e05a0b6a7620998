// Expected failures versus bugs (after @inquirer: a validation message is for the person, a
// thrown exception is a bug). An operation throws a Problem for what the operator can act on
// (a refusal, an interface that is gone, a settings file that cannot be read); anything else
// that is thrown is an internal error, logged with its stack.

/** An expected failure, said to the operator as it is; `field` names the input it is about. */
export class Problem extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'Problem';
  }
}

export const isProblem = (e: unknown): e is Problem => e instanceof Problem;

/** The message of anything thrown. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
