/** Block Kit action ids this app answers. Handlers re-check everything from stored state. */
export const ActionId = {
  CancelJob: 'job.cancel',
  /** Link buttons still send an interaction payload; it is acknowledged and ignored. */
  Link: 'job.link',
} as const;
