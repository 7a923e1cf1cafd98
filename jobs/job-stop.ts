/**
 * A job that must stop and say why: its message and hint go to the user as they are, and it
 * is never retried (retrying cannot help: the input, the configuration or Azure's state has
 * to change first).
 */
export class JobStop extends Error {
  override name = 'JobStop';
  readonly hint: string;
  constructor(text: string, hint: string) {
    super(text);
    this.hint = hint;
  }
}
