/** Reads the queue dashboard's API the way its page does, for tests that look at what it shows. */

const statuses = ['latest', 'active', 'waiting', 'waiting-children', 'prioritized', 'delayed', 'paused', 'completed', 'failed'];

/**
 * Every response body the dashboard would show an operator: the queue listings in every state
 * and, for every job listed, its detail and its logs.
 */
export async function everythingTheDashboardShows(url: string, credentials: { username: string; password: string }): Promise<string> {
  const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const get = async (path: string): Promise<string> => {
    const res = await fetch(`${url}${path}`, { headers: { authorization } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
    return res.text();
  };
  const bodies: string[] = [];
  const names = (JSON.parse(await get('/api/queues')) as { queues: { name: string }[] }).queues.map((q) => q.name);
  const jobs = new Set<string>();
  for (const queue of names) {
    for (const status of statuses) {
      const text = await get(`/api/queues?activeQueue=${encodeURIComponent(queue)}&status=${status}&page=1&jobsPerPage=1000`);
      bodies.push(text);
      const listed = (JSON.parse(text) as { queues: { name: string; jobs: { id: string }[] }[] }).queues.find((q) => q.name === queue)?.jobs ?? [];
      for (const job of listed) jobs.add(`${encodeURIComponent(queue)}/${encodeURIComponent(job.id)}`);
    }
  }
  for (const job of jobs) bodies.push(await get(`/api/queues/${job}`), await get(`/api/queues/${job}/logs`));
  if (jobs.size === 0) throw new Error('the dashboard listed no job at all');
  return bodies.join('\n');
}
