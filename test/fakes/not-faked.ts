/**
 * What a fake's method throws when the test did not set it up: the code under test reached a
 * port the test did not expect it to use. Set the method on the fake (`fake.get = async () => …`)
 * when a test needs it.
 */
export class NotFakedError extends Error {
  override name = 'NotFakedError';
}

export function notFaked(port: string, method: string): never {
  throw new NotFakedError(`${port}.${method} is not faked in this test`);
}
