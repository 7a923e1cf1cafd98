import type { Asker, PrivateAnswers, QueryAnswer } from '../../src/core/query-answer.ts';

/** Private answers kept in memory instead of sent, in order. */
export class FakePrivateAnswers implements PrivateAnswers {
  readonly delivered: { answerId: string; to: Asker; answer: QueryAnswer }[] = [];

  async deliver(answerId: string, to: Asker, answer: QueryAnswer): Promise<void> {
    this.delivered.push({ answerId, to, answer });
  }
}
