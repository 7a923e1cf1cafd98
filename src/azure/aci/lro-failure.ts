const prefix = 'The long-running operation has failed';

/**
 * core-lro reports a Failed operation as a plain `Error` whose text is
 * "The long-running operation has failed. <code>. <message>" (not a RestError: the HTTP
 * calls succeeded). Returns the code and message, or undefined for any other error.
 */
export function parseLroFailure(err: unknown): { code?: string; message: string } | undefined {
  if (!(err instanceof Error) || !err.message.startsWith(prefix)) return undefined;
  const rest = err.message.slice(prefix.length).replace(/^\.\s*/, '');
  const match = /^([A-Za-z][\w.]*)\.\s+([\s\S]*)$/.exec(rest);
  if (match?.[1] && match[2] !== undefined) return { code: match[1], message: match[2] };
  return { message: rest || err.message };
}

/** core-lro's text for a canceled operation. */
export function isLroCanceled(err: unknown): boolean {
  return err instanceof Error && err.message === 'Operation was canceled';
}
