/** ACR task names: 5–50 letters, digits, '-' and '_' (as `/acr task create` takes them). */
export const TASK_NAME = /^[A-Za-z0-9_-]{5,50}$/;
