/** Block Kit action ids this app answers. Handlers re-check everything from stored state. */
export const ActionId = {
  CancelJob: 'job.cancel',
  Approve: 'approval.approve',
  /** Opens the reason modal; the rejection happens when it is submitted. */
  Reject: 'approval.reject',
  Confirm: 'approval.confirm',
  Dismiss: 'approval.dismiss',
  Rollback: 'deploy.rollback',
  /** A deploy ARM refused as an in-place update: plan replacing the group instead. */
  Replace: 'deploy.replace',
  /** A credential row of an expiry alert: rotate that secret. */
  RotateCredential: 'credential.rotate',
  /** On a private answer: post the same answer in the channel, as the person who clicked. */
  ShareAnswer: 'answer.share',
  /** Link buttons still send an interaction payload; it is acknowledged and ignored. */
  Link: 'job.link',
} as const;

/** Modal callback ids. */
export const ViewId = {
  RejectReason: 'approval.reject.reason',
} as const;
