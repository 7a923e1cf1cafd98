/**
 * ACR Tasks of a registry, as `@azure/arm-containerregistry@11` calls them (api-version
 * 2019-06-01-preview; 2025-03-01-preview, the tasks package's, is accepted too), relative to
 * `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{reg}`.
 * Spec examples are in Azure/azure-rest-api-specs, specification/containerregistry/resource-manager/
 * Microsoft.ContainerRegistry/preview/2019-06-01-preview/examples ("spec" below).
 *
 * | endpoint | answer | source |
 * |---|---|---|
 * | `GET /tasks` | 200 `{value, nextLink?}`, by name, `pageSize` per page; no secrets | spec TasksList.json; order and page size assumed |
 * | `GET /tasks/{name}` | 200 Task, or ARM's 404 `ResourceNotFound`; no secrets | spec TasksGet.json; 404 envelope: ARM's common error (assumed code) |
 * | `PUT /tasks/{name}` | 200 Task, `provisioningState: Succeeded` (new or replaced), no polling headers | synchronous 200 in Azure/azure-sdk-assets recording_tasks_create_test.json (the spec also allows 201 `Creating`) |
 * | `PATCH /tasks/{name}` | 200 Task (TaskUpdateParameters merged: triggers by name, a trigger's token kept unless given) | spec TasksUpdate.json; merge by name as azure-cli acr/task.py `acr_task_update` relies on (assumed server side) |
 * | `DELETE /tasks/{name}` | 200 (empty); 204 when there is no such task | spec TasksDelete.json |
 * | `POST /tasks/{name}/listDetails` | 200 Task **with** secrets | spec TasksGetDetails.json |
 * | `POST /scheduleRun` `{"type":"TaskRunRequest","taskId"}` | 200 Run, Queued, `task` = the task's name, `runType: QuickRun` | spec RegistriesScheduleRun_Task.json (200); `runType` from the spec's RunType enum, which value: assumed |
 *
 * Validation (400, ARM envelope; wording and codes are the emulator's, assumed): name 5-50 letters,
 * digits, `-`, `_` (the SDK's `taskName` mapper: pattern and length); `location` required
 * (`LocationRequired`, assumed); `properties.platform.os` (Linux/Windows) and `properties.step`
 * required (spec `Task` required properties); step `Docker` needs `dockerFilePath` (spec
 * DockerBuildStep required) and, when pushing, `imageNames` (assumed); `FileTask` needs
 * `taskFilePath`, `EncodedTask` base64 `encodedTaskContent` (spec required properties); `timeout`
 * 300-28800 (the SDK's mapper constraints). A source trigger needs `name`, `sourceRepository.
 * {sourceControlType: Github|VisualStudioTeamService, repositoryUrl}` and `sourceTriggerEvents`
 * (spec SourceTrigger / SourceProperties required); an **enabled** source trigger without
 * `sourceControlAuthProperties.token` is refused with `InvalidParameter` since ACR needs the token
 * to register the webhook (azure-cli refuses it client-side, acr/task.py; the service's own
 * answer is assumed: a token without rights gets 409 `ProviderCall` "Failed to create webhook",
 * Azure/azure-cli#23643, not modelled).
 *
 * What a plain GET / list / PUT / PATCH answer leaves out (spec TasksCreate.json / TasksGet.json
 * responses against TasksGetDetails.json): `sourceControlAuthProperties` of each source trigger,
 * secret arguments (`isSecret: true`), `step.contextAccessToken`, `baseImageTrigger.
 * updateTriggerEndpoint` (`null` in the examples), and the custom registries' credentials
 * (`null`). `listDetails` shows them all.
 *
 * Defaults filled in: `status: Enabled` (spec responses), `timeout: 3600` (filled by the service in
 * recording_tasks_create_test.json; azure-cli's DEFAULT_TIMEOUT_IN_SEC too), `agentConfiguration.cpu: 2` (azure-cli
 * DEFAULT_CPU; the service default assumed), `isPushEnabled: true`, `noCache: false`,
 * `isSystemTask: false` (spec property defaults). A task run's git context is cloned with the
 * step's `contextAccessToken` (private-repos.ts). Runs that commits, base-image updates and timers
 * trigger, and manual runs from the portal: see triggers.ts (they all go through `runTask`).
 */
import { badRequest, resourceNotFound } from '../arm-errors.ts';
import { empty, json } from '../http.ts';
import type { Reply } from '../http.ts';
import { stableGuid } from '../ids.ts';
import type { Route, RouteContext } from '../router.ts';
import type { EmulatedRegistry } from './registry.ts';
import type { DockerBuildRequest, EmulatedRun, RunOrigin } from './run.ts';
import type { AcrStore } from './store.ts';

export type TaskStatus = 'Enabled' | 'Disabled';
export type StepType = 'Docker' | 'FileTask' | 'EncodedTask';
export type SourceControlType = 'Github' | 'VisualStudioTeamService';
export type SourceTriggerEvent = 'commit' | 'pullrequest';

const TASK_TYPE = 'Microsoft.ContainerRegistry/registries/tasks';
const STEP_TYPES: readonly StepType[] = ['Docker', 'FileTask', 'EncodedTask'];
const SOURCE_CONTROL_TYPES: readonly SourceControlType[] = ['Github', 'VisualStudioTeamService'];
const ARCHITECTURES = ['amd64', 'x86', '386', 'arm', 'arm64'];
const VARIANTS = ['v6', 'v7', 'v8'];

/** `{name, value, isSecret}`: Docker build arguments and task values. */
export interface TaskArgument {
  name: string;
  value: string;
  isSecret: boolean;
}

/** The task's step, wire names, secrets included. */
export interface TaskStep {
  type: StepType;
  contextPath?: string;
  contextAccessToken?: string;
  /** Docker */
  dockerFilePath?: string;
  imageNames?: string[];
  isPushEnabled?: boolean;
  noCache?: boolean;
  target?: string;
  arguments?: TaskArgument[];
  /** FileTask */
  taskFilePath?: string;
  valuesFilePath?: string;
  /** EncodedTask */
  encodedTaskContent?: string;
  encodedValuesContent?: string;
  /** FileTask / EncodedTask */
  values?: TaskArgument[];
}

export interface TaskAuthInfo {
  tokenType: 'PAT' | 'OAuth';
  token: string;
  refreshToken?: string;
  scope?: string;
  expiresIn?: number;
}

export interface TaskSourceTrigger {
  name: string;
  sourceRepository: {
    sourceControlType: SourceControlType;
    repositoryUrl: string;
    branch?: string;
    sourceControlAuthProperties?: TaskAuthInfo;
  };
  sourceTriggerEvents: SourceTriggerEvent[];
  status: TaskStatus;
}

export interface TaskBaseImageTrigger {
  name: string;
  baseImageTriggerType: 'All' | 'Runtime';
  updateTriggerEndpoint?: string;
  updateTriggerPayloadType?: 'Default' | 'Token';
  status: TaskStatus;
}

export interface TaskTimerTrigger {
  name: string;
  schedule: string;
  status: TaskStatus;
}

/** A task's `properties` as the emulator keeps them (wire names, defaults filled, secrets included). */
export interface TaskProperties {
  status: TaskStatus;
  platform: { os: string; architecture?: string; variant?: string };
  agentConfiguration: { cpu: number };
  agentPoolName?: string;
  timeout: number;
  step: TaskStep;
  trigger?: {
    sourceTriggers?: TaskSourceTrigger[];
    baseImageTrigger?: TaskBaseImageTrigger;
    timerTriggers?: TaskTimerTrigger[];
  };
  credentials?: Record<string, unknown>;
  logTemplate?: string;
  isSystemTask: boolean;
}

export interface EmulatedTask {
  id: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
  identity?: Record<string, unknown>;
  created: number;
  modified: number;
  properties: TaskProperties;
}

/** Tasks per registry (lower-case registry name → lower-case task name → task). */
export class TaskStore {
  readonly byRegistry = new Map<string, Map<string, EmulatedTask>>();
  /** Tasks per `tasks.list` page before a `nextLink`. */
  pageSize = 20;

  of(registry: string): Map<string, EmulatedTask> {
    const key = registry.toLowerCase();
    let tasks = this.byRegistry.get(key);
    if (!tasks) {
      tasks = new Map();
      this.byRegistry.set(key, tasks);
    }
    return tasks;
  }
}

/** ACR's task name rule (the SDK checks it client-side too). */
export function validTaskName(name: string): boolean {
  return /^[a-zA-Z0-9_-]{5,50}$/.test(name);
}

const iso = (ms: number) => new Date(ms).toISOString();

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'status' in value && typeof (value as Reply).status === 'number';
}

const invalid = (message: string): Reply => badRequest('InvalidParameter', message);

/** `value` if it is one of `allowed` (compared case-insensitively), in the allowed spelling. */
function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
}

function optionalString(value: unknown, what: string): string | undefined | Reply {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : invalid(`The '${what}' property must be a string.`);
}

function readStatus(value: unknown, what: string): TaskStatus | Reply {
  if (value === undefined || value === null) return 'Enabled';
  return oneOf(value, ['Enabled', 'Disabled'] as const) ?? invalid(`The ${what} status '${String(value)}' is not valid; it must be 'Enabled' or 'Disabled'.`);
}

function readArguments(value: unknown, what: string): TaskArgument[] | Reply {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return invalid(`The '${what}' property must be an array.`);
  const out: TaskArgument[] = [];
  for (const a of value as unknown[]) {
    if (!isObject(a) || typeof a.name !== 'string' || a.name === '' || typeof a.value !== 'string') {
      return invalid(`Each entry of '${what}' needs a 'name' and a string 'value'.`);
    }
    out.push({ name: a.name, value: a.value, isSecret: a.isSecret === true });
  }
  return out;
}

function readStep(value: unknown): TaskStep | Reply {
  if (!isObject(value)) return invalid("The 'properties.step' property is required.");
  const type = oneOf(value.type, STEP_TYPES);
  if (!type) return invalid(`The step type '${String(value.type)}' is not valid; it must be one of ${STEP_TYPES.map((t) => `'${t}'`).join(', ')}.`);
  const contextPath = optionalString(value.contextPath, 'step.contextPath');
  if (isReply(contextPath)) return contextPath;
  const contextAccessToken = optionalString(value.contextAccessToken, 'step.contextAccessToken');
  if (isReply(contextAccessToken)) return contextAccessToken;
  const base: TaskStep = { type, ...(contextPath !== undefined && { contextPath }), ...(contextAccessToken !== undefined && { contextAccessToken }) };

  if (type === 'Docker') {
    if (typeof value.dockerFilePath !== 'string' || value.dockerFilePath === '') return invalid("The 'dockerFilePath' property of a Docker step is required.");
    const imageNames = value.imageNames ?? [];
    if (!Array.isArray(imageNames) || imageNames.some((n) => typeof n !== 'string' || n === ''))
      return invalid("The 'imageNames' property must be an array of image names.");
    const isPushEnabled = value.isPushEnabled ?? true;
    if (typeof isPushEnabled !== 'boolean') return invalid("The 'isPushEnabled' property must be a boolean.");
    if (isPushEnabled && imageNames.length === 0) return invalid('At least one image name is required when isPushEnabled is true.');
    const target = optionalString(value.target, 'step.target');
    if (isReply(target)) return target;
    const args = readArguments(value.arguments, 'step.arguments');
    if (isReply(args)) return args;
    return {
      ...base,
      dockerFilePath: value.dockerFilePath,
      imageNames: imageNames as string[],
      isPushEnabled,
      noCache: value.noCache === true,
      ...(target !== undefined && { target }),
      arguments: args,
    };
  }
  const values = readArguments(value.values, 'step.values');
  if (isReply(values)) return values;
  if (type === 'FileTask') {
    if (typeof value.taskFilePath !== 'string' || value.taskFilePath === '') return invalid("The 'taskFilePath' property of a FileTask step is required.");
    const valuesFilePath = optionalString(value.valuesFilePath, 'step.valuesFilePath');
    if (isReply(valuesFilePath)) return valuesFilePath;
    return { ...base, taskFilePath: value.taskFilePath, ...(valuesFilePath !== undefined && { valuesFilePath }), values };
  }
  const content = value.encodedTaskContent;
  if (typeof content !== 'string' || content === '') return invalid("The 'encodedTaskContent' property of an EncodedTask step is required.");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(content) || content.length % 4 !== 0) return invalid("The 'encodedTaskContent' property must be base64 encoded.");
  const encodedValuesContent = optionalString(value.encodedValuesContent, 'step.encodedValuesContent');
  if (isReply(encodedValuesContent)) return encodedValuesContent;
  return { ...base, encodedTaskContent: content, ...(encodedValuesContent !== undefined && { encodedValuesContent }), values };
}

function readSourceTrigger(value: unknown): TaskSourceTrigger | Reply {
  if (!isObject(value)) return invalid("Each entry of 'trigger.sourceTriggers' must be an object.");
  if (typeof value.name !== 'string' || value.name === '') return invalid("The 'name' of a source trigger is required.");
  const name = value.name;
  const repo = value.sourceRepository;
  if (!isObject(repo)) return invalid(`The 'sourceRepository' of source trigger '${name}' is required.`);
  const sourceControlType = oneOf(repo.sourceControlType, SOURCE_CONTROL_TYPES);
  if (!sourceControlType)
    return invalid(
      `The source control type '${String(repo.sourceControlType)}' of source trigger '${name}' is not valid; it must be 'Github' or 'VisualStudioTeamService'.`,
    );
  if (typeof repo.repositoryUrl !== 'string' || !/^https?:\/\/\S+$/i.test(repo.repositoryUrl)) {
    return invalid(`The 'repositoryUrl' of source trigger '${name}' is required and must be an http(s) URL.`);
  }
  const branch = optionalString(repo.branch, 'sourceRepository.branch');
  if (isReply(branch)) return branch;
  const events = value.sourceTriggerEvents;
  if (!Array.isArray(events) || events.length === 0)
    return invalid(`The 'sourceTriggerEvents' of source trigger '${name}' are required ('commit', 'pullrequest').`);
  const sourceTriggerEvents: SourceTriggerEvent[] = [];
  for (const e of events as unknown[]) {
    const event = oneOf(e, ['commit', 'pullrequest'] as const);
    if (!event) return invalid(`The source trigger event '${String(e)}' is not valid; it must be 'commit' or 'pullrequest'.`);
    if (!sourceTriggerEvents.includes(event)) sourceTriggerEvents.push(event);
  }
  const status = readStatus(value.status, `source trigger '${name}'`);
  if (isReply(status)) return status;
  let auth: TaskAuthInfo | undefined;
  const rawAuth = repo.sourceControlAuthProperties;
  if (rawAuth !== undefined && rawAuth !== null) {
    if (!isObject(rawAuth)) return invalid(`The 'sourceControlAuthProperties' of source trigger '${name}' must be an object.`);
    const tokenType = oneOf(rawAuth.tokenType, ['PAT', 'OAuth'] as const);
    if (!tokenType) return invalid(`The token type '${String(rawAuth.tokenType)}' of source trigger '${name}' is not valid; it must be 'PAT' or 'OAuth'.`);
    if (typeof rawAuth.token !== 'string') return invalid(`The 'token' of source trigger '${name}' must be a string.`);
    auth = {
      tokenType,
      token: rawAuth.token,
      ...(typeof rawAuth.refreshToken === 'string' && { refreshToken: rawAuth.refreshToken }),
      ...(typeof rawAuth.scope === 'string' && { scope: rawAuth.scope }),
      ...(typeof rawAuth.expiresIn === 'number' && { expiresIn: rawAuth.expiresIn }),
    };
  }
  if (status === 'Enabled' && !auth?.token) {
    return invalid(
      `Source trigger '${name}' is enabled but has no git access token (sourceControlAuthProperties.token): ACR needs it to register the webhook on ${repo.repositoryUrl}.`,
    );
  }
  return {
    name,
    sourceRepository: {
      sourceControlType,
      repositoryUrl: repo.repositoryUrl,
      ...(branch !== undefined && { branch }),
      ...(auth && { sourceControlAuthProperties: auth }),
    },
    sourceTriggerEvents,
    status,
  };
}

function readTrigger(value: unknown): TaskProperties['trigger'] | Reply {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return invalid("The 'trigger' property must be an object.");
  const out: NonNullable<TaskProperties['trigger']> = {};
  if (value.sourceTriggers !== undefined && value.sourceTriggers !== null) {
    if (!Array.isArray(value.sourceTriggers)) return invalid("The 'trigger.sourceTriggers' property must be an array.");
    const triggers: TaskSourceTrigger[] = [];
    for (const t of value.sourceTriggers as unknown[]) {
      const trigger = readSourceTrigger(t);
      if (isReply(trigger)) return trigger;
      if (triggers.some((x) => x.name.toLowerCase() === trigger.name.toLowerCase())) return invalid(`The source trigger name '${trigger.name}' is used twice.`);
      triggers.push(trigger);
    }
    out.sourceTriggers = triggers;
  }
  const base = value.baseImageTrigger;
  if (base !== undefined && base !== null) {
    if (!isObject(base) || typeof base.name !== 'string' || base.name === '') return invalid("The 'name' of the base image trigger is required.");
    const baseImageTriggerType = oneOf(base.baseImageTriggerType, ['All', 'Runtime'] as const);
    if (!baseImageTriggerType)
      return invalid(`The base image trigger type '${String(base.baseImageTriggerType)}' is not valid; it must be 'All' or 'Runtime'.`);
    const payload = base.updateTriggerPayloadType;
    const updateTriggerPayloadType = payload === undefined || payload === null ? undefined : oneOf(payload, ['Default', 'Token'] as const);
    if (payload !== undefined && payload !== null && !updateTriggerPayloadType)
      return invalid(`The update trigger payload type '${String(payload)}' is not valid; it must be 'Default' or 'Token'.`);
    const endpoint = optionalString(base.updateTriggerEndpoint, 'baseImageTrigger.updateTriggerEndpoint');
    if (isReply(endpoint)) return endpoint;
    const status = readStatus(base.status, 'base image trigger');
    if (isReply(status)) return status;
    out.baseImageTrigger = {
      name: base.name,
      baseImageTriggerType,
      ...(endpoint !== undefined && { updateTriggerEndpoint: endpoint }),
      ...(updateTriggerPayloadType && { updateTriggerPayloadType }),
      status,
    };
  }
  if (value.timerTriggers !== undefined && value.timerTriggers !== null) {
    if (!Array.isArray(value.timerTriggers)) return invalid("The 'trigger.timerTriggers' property must be an array.");
    const timers: TaskTimerTrigger[] = [];
    for (const t of value.timerTriggers as unknown[]) {
      if (!isObject(t) || typeof t.name !== 'string' || t.name === '') return invalid("The 'name' of a timer trigger is required.");
      if (typeof t.schedule !== 'string' || t.schedule.trim().split(/\s+/).length < 5)
        return invalid(`The schedule '${String(t.schedule)}' of timer trigger '${t.name}' is not a valid cron expression.`);
      const status = readStatus(t.status, `timer trigger '${t.name}'`);
      if (isReply(status)) return status;
      timers.push({ name: t.name, schedule: t.schedule, status });
    }
    out.timerTriggers = timers;
  }
  return out;
}

/** Validates a task's `properties` (after a PATCH: the merged ones) the way ACR does; fills defaults. */
function readProperties(props: unknown): TaskProperties | Reply {
  if (!isObject(props)) return invalid("The 'properties' of the task are required.");
  const platform = props.platform;
  if (!isObject(platform) || platform.os === undefined || platform.os === null) return invalid("The 'properties.platform.os' property is required.");
  const os = oneOf(platform.os, ['Linux', 'Windows'] as const);
  if (!os) return invalid(`The platform OS '${String(platform.os)}' is not valid; it must be 'Linux' or 'Windows'.`);
  const architecture = platform.architecture ?? undefined;
  if (architecture !== undefined && !ARCHITECTURES.includes(String(architecture)))
    return invalid(`The platform architecture '${String(architecture)}' is not valid; it must be one of ${ARCHITECTURES.join(', ')}.`);
  const variant = platform.variant ?? undefined;
  if (variant !== undefined && !VARIANTS.includes(String(variant)))
    return invalid(`The platform variant '${String(variant)}' is not valid; it must be one of ${VARIANTS.join(', ')}.`);
  const step = readStep(props.step);
  if (isReply(step)) return step;
  const status = readStatus(props.status, 'task');
  if (isReply(status)) return status;
  const timeout = props.timeout ?? 3600;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 300 || timeout > 28800) {
    return invalid(`The timeout ${String(timeout)} is out of range: it must be between 300 and 28800 seconds.`);
  }
  const agent = props.agentConfiguration;
  const cpu = isObject(agent) && agent.cpu !== undefined && agent.cpu !== null ? agent.cpu : 2;
  if (typeof cpu !== 'number' || !Number.isInteger(cpu) || cpu < 1) return invalid(`The agent CPU count '${String(cpu)}' is not valid.`);
  const trigger = readTrigger(props.trigger);
  if (isReply(trigger)) return trigger;
  const agentPoolName = optionalString(props.agentPoolName, 'agentPoolName');
  if (isReply(agentPoolName)) return agentPoolName;
  const logTemplate = optionalString(props.logTemplate, 'logTemplate');
  if (isReply(logTemplate)) return logTemplate;
  if (props.credentials !== undefined && props.credentials !== null && !isObject(props.credentials))
    return invalid("The 'credentials' property must be an object.");
  return {
    status,
    platform: { os, ...(architecture !== undefined && { architecture: String(architecture) }), ...(variant !== undefined && { variant: String(variant) }) },
    agentConfiguration: { cpu },
    ...(agentPoolName !== undefined && { agentPoolName }),
    timeout,
    step,
    ...(trigger && { trigger }),
    ...(isObject(props.credentials) && { credentials: structuredClone(props.credentials) }),
    ...(logTemplate !== undefined && { logTemplate }),
    isSystemTask: props.isSystemTask === true,
  };
}

function readTags(value: unknown): Record<string, string> | undefined | Reply {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string'))
    return badRequest('InvalidTag', "The 'tags' must be an object of string values.");
  return { ...(value as Record<string, string>) };
}

/** Merges entries of `patch` into `base` by `name` (case-insensitive), each with `merge`; new names are appended. */
function mergeByName(base: unknown, patch: unknown, merge: (a: Record<string, unknown>, b: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (!Array.isArray(patch)) return patch;
  const out = Array.isArray(base) ? (structuredClone(base) as Record<string, unknown>[]) : [];
  for (const p of patch as unknown[]) {
    if (!isObject(p)) return patch; // let validation refuse it
    const i = out.findIndex((x) => typeof x.name === 'string' && typeof p.name === 'string' && x.name.toLowerCase() === p.name.toLowerCase());
    if (i >= 0) out[i] = merge(out[i]!, p);
    else out.push(p);
  }
  return out;
}

const shallow = (a: Record<string, unknown>, b: Record<string, unknown>) => ({ ...a, ...b });

function mergeSourceTrigger(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a, ...b };
  if (isObject(b.sourceRepository) && isObject(a.sourceRepository)) {
    const repo = { ...a.sourceRepository, ...b.sourceRepository };
    const oldAuth = a.sourceRepository.sourceControlAuthProperties;
    const newAuth = b.sourceRepository.sourceControlAuthProperties;
    if (isObject(oldAuth) && isObject(newAuth)) repo.sourceControlAuthProperties = { ...oldAuth, ...newAuth };
    out.sourceRepository = repo;
  }
  return out;
}

/** A TaskUpdateParameters `properties` merged over the task's current (full) properties, still unvalidated. */
function mergeUpdate(current: TaskProperties, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = structuredClone(current) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || value === null) continue;
    if (key === 'platform' && isObject(value)) merged.platform = { ...current.platform, ...value };
    else if (key === 'step' && isObject(value)) {
      const sameType = value.type === undefined || oneOf(value.type, STEP_TYPES) === current.step.type;
      merged.step = sameType ? { ...current.step, ...value, type: current.step.type } : value;
    } else if (key === 'trigger' && isObject(value)) {
      const trigger: Record<string, unknown> = { ...(current.trigger ?? {}) };
      if (value.sourceTriggers !== undefined) trigger.sourceTriggers = mergeByName(current.trigger?.sourceTriggers, value.sourceTriggers, mergeSourceTrigger);
      if (value.timerTriggers !== undefined) trigger.timerTriggers = mergeByName(current.trigger?.timerTriggers, value.timerTriggers, shallow);
      if (isObject(value.baseImageTrigger)) trigger.baseImageTrigger = { ...(current.trigger?.baseImageTrigger ?? {}), ...value.baseImageTrigger };
      merged.trigger = trigger;
    } else merged[key] = value;
  }
  return merged;
}

const withoutSecrets = (args: TaskArgument[] | undefined) => args?.filter((a) => !a.isSecret);

function stepJson(step: TaskStep, secrets: boolean): Record<string, unknown> {
  const { contextAccessToken, arguments: args, values, ...rest } = structuredClone(step);
  return {
    ...rest,
    ...(secrets && contextAccessToken !== undefined && { contextAccessToken }),
    ...(args && { arguments: secrets ? args : withoutSecrets(args) }),
    ...(values && { values: secrets ? values : withoutSecrets(values) }),
  };
}

function triggerJson(trigger: NonNullable<TaskProperties['trigger']>, secrets: boolean): Record<string, unknown> {
  const t = structuredClone(trigger);
  if (secrets) return t as unknown as Record<string, unknown>;
  for (const s of t.sourceTriggers ?? []) delete s.sourceRepository.sourceControlAuthProperties;
  if (t.baseImageTrigger) delete t.baseImageTrigger.updateTriggerEndpoint;
  return t as unknown as Record<string, unknown>;
}

function credentialsJson(credentials: Record<string, unknown>, secrets: boolean): Record<string, unknown> {
  const c = structuredClone(credentials);
  if (!secrets && isObject(c.customRegistries)) c.customRegistries = Object.fromEntries(Object.keys(c.customRegistries).map((k) => [k, null]));
  return c;
}

/** The task as ARM shows it: without secrets, or (`listDetails`) with them. */
export function taskJson(task: EmulatedTask, secrets: boolean): Record<string, unknown> {
  const p = task.properties;
  return {
    type: TASK_TYPE,
    id: task.id,
    name: task.name,
    location: task.location,
    ...(task.tags && { tags: { ...task.tags } }),
    ...(task.identity && { identity: structuredClone(task.identity) }),
    systemData: { createdByType: 'Application', createdAt: iso(task.created), lastModifiedByType: 'Application', lastModifiedAt: iso(task.modified) },
    properties: {
      provisioningState: 'Succeeded',
      creationDate: iso(task.created),
      status: p.status,
      platform: { ...p.platform },
      agentConfiguration: { ...p.agentConfiguration },
      ...(p.agentPoolName !== undefined && { agentPoolName: p.agentPoolName }),
      timeout: p.timeout,
      step: stepJson(p.step, secrets),
      ...(p.trigger && { trigger: triggerJson(p.trigger, secrets) }),
      ...(p.credentials && { credentials: credentialsJson(p.credentials, secrets) }),
      ...(p.logTemplate !== undefined && { logTemplate: p.logTemplate }),
      isSystemTask: p.isSystemTask,
    },
  };
}

/** The identity ACR echoes: a system-assigned identity gets a principal id. */
function identityJson(value: unknown, taskId: string): Record<string, unknown> | undefined | Reply {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || typeof value.type !== 'string') return invalid("The 'identity.type' property is required.");
  const types = value.type.split(',').map((t) => t.trim().toLowerCase());
  if (types.some((t) => !['systemassigned', 'userassigned', 'none'].includes(t))) return invalid(`The identity type '${value.type}' is not valid.`);
  return { ...structuredClone(value), ...(types.includes('systemassigned') && { principalId: stableGuid(`task-identity:${taskId.toLowerCase()}`) }) };
}

/** Substitutes ACR's run variables in an image name (`{{.Run.ID}}` and `{{.Run.Registry}}` are done when the run is scheduled). */
function imageName(name: string, commit: { commitId?: string; branch?: string }): string {
  let out = name;
  if (commit.commitId !== undefined) out = out.replaceAll('{{.Run.Commit}}', commit.commitId);
  if (commit.branch !== undefined) out = out.replaceAll('{{.Run.Branch}}', commit.branch);
  return out;
}

/** Overrides a TaskRunRequest may carry (`OverrideTaskStepProperties`). */
export interface TaskStepOverrides {
  contextPath?: string;
  file?: string;
  target?: string;
  arguments?: TaskArgument[];
  values?: TaskArgument[];
}

/** Replaces entries of `base` by name with those of `overrides` and appends the rest. */
function overrideByName(base: TaskArgument[], overrides: TaskArgument[] | undefined): TaskArgument[] {
  if (!overrides) return base;
  const out = base.filter((b) => !overrides.some((o) => o.name === b.name));
  return [...out, ...overrides];
}

/** Queues a run of `task` (what the run request / webhook would make ACR do). */
export function runTask(
  store: AcrStore,
  registry: EmulatedRegistry,
  task: EmulatedTask,
  origin: RunOrigin,
  now: number,
  overrides: TaskStepOverrides = {},
  extra: { isArchiveEnabled?: boolean; agentPoolName?: string } = {},
): EmulatedRun {
  const p = task.properties;
  const step = p.step;
  const commit = { commitId: origin.sourceTrigger?.commitId, branch: origin.sourceTrigger?.branchName };
  const docker = step.type === 'Docker';
  const agentPoolName = extra.agentPoolName ?? p.agentPoolName;
  const request: DockerBuildRequest = {
    type: 'TaskRunRequest',
    dockerFilePath: overrides.file ?? (docker ? step.dockerFilePath! : step.type === 'FileTask' ? step.taskFilePath! : 'encoded-task.yaml'),
    imageNames: docker ? (step.imageNames ?? []).map((n) => imageName(n, commit)) : [],
    isPushEnabled: docker ? (step.isPushEnabled ?? true) : false,
    noCache: step.noCache ?? false,
    ...((overrides.target ?? step.target) ? { target: overrides.target ?? step.target } : {}),
    arguments: overrideByName(step.arguments ?? [], overrides.arguments),
    timeout: p.timeout,
    platform: { ...p.platform },
    agentConfiguration: { ...p.agentConfiguration },
    sourceLocation: overrides.contextPath ?? step.contextPath ?? '',
    ...(extra.isArchiveEnabled !== undefined && { isArchiveEnabled: extra.isArchiveEnabled }),
    ...(agentPoolName !== undefined && { agentPoolName }),
    // The step's git credential clones the context, overridden or not (assumed: the spec says
    // only that the token is "associated with the context for a step").
    ...(step.contextAccessToken !== undefined && { contextAccessToken: step.contextAccessToken }),
  };
  return store.schedule(registry, request, now, origin);
}

/**
 * `POST /scheduleRun` with a `TaskRunRequest`: queues a manual run of the task (`runType: QuickRun`),
 * or answers what ACR refuses: 400 for a missing / foreign `taskId` or bad overrides, ARM's 404 for
 * an unknown task, 400 `TaskDisabled` for a disabled one.
 */
export function scheduleTaskRun(store: AcrStore, registry: EmulatedRegistry, body: Record<string, unknown>, now: number): EmulatedRun | Reply {
  const taskId = body.taskId;
  if (typeof taskId !== 'string' || taskId === '') return invalid("The 'taskId' property of a TaskRunRequest is required.");
  const prefix = `${registry.id}/tasks/`.toLowerCase();
  let name = taskId;
  if (taskId.startsWith('/')) {
    if (!taskId.toLowerCase().startsWith(prefix) || taskId.length === prefix.length || taskId.slice(prefix.length).includes('/')) {
      return invalid(`The task id '${taskId}' is not a task of registry '${registry.name}'.`);
    }
    name = taskId.slice(prefix.length);
  }
  const task = store.tasks.of(registry.name).get(name.toLowerCase());
  if (!task) return resourceNotFound(TASK_TYPE, `${registry.name}/${name}`, registry.resourceGroup);
  if (task.properties.status !== 'Enabled') return badRequest('TaskDisabled', `The task '${task.name}' is disabled; enable it to run it.`);
  const raw = body.overrideTaskStepProperties;
  if (raw !== undefined && raw !== null && !isObject(raw)) return invalid("The 'overrideTaskStepProperties' property must be an object.");
  const overrides: TaskStepOverrides = {};
  if (isObject(raw)) {
    for (const key of ['contextPath', 'file', 'target'] as const) {
      const v = optionalString(raw[key], `overrideTaskStepProperties.${key}`);
      if (isReply(v)) return v;
      if (v !== undefined) overrides[key] = v;
    }
    if (raw.arguments !== undefined && raw.arguments !== null) {
      const args = readArguments(raw.arguments, 'overrideTaskStepProperties.arguments');
      if (isReply(args)) return args;
      overrides.arguments = args;
    }
    if (raw.values !== undefined && raw.values !== null) {
      const values = readArguments(raw.values, 'overrideTaskStepProperties.values');
      if (isReply(values)) return values;
      overrides.values = values;
    }
  }
  const extra = {
    ...(typeof body.isArchiveEnabled === 'boolean' && { isArchiveEnabled: body.isArchiveEnabled }),
    ...(typeof body.agentPoolName === 'string' && { agentPoolName: body.agentPoolName }),
  };
  return runTask(store, registry, task, { runType: 'QuickRun', task: task.name }, now, overrides, extra);
}

/** The task routes, given how to resolve the registry of a request. */
export function taskRoutes(
  registryPattern: string,
  tasks: TaskStore,
  withRegistry: (fn: (registry: EmulatedRegistry, ctx: RouteContext) => Reply) => (ctx: RouteContext) => Reply,
  apiVersions: readonly string[] | RegExp,
): Route[] {
  const taskOr404 = (registry: EmulatedRegistry, name: string): EmulatedTask | Reply =>
    tasks.of(registry.name).get(name.toLowerCase()) ?? resourceNotFound(TASK_TYPE, `${registry.name}/${name}`, registry.resourceGroup);

  return [
    {
      method: 'GET',
      pattern: `${registryPattern}/tasks`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const skip = ctx.req.query.$skipToken;
        const offset = skip === undefined ? 0 : Number(Buffer.from(skip, 'base64url').toString('utf8'));
        if (!Number.isInteger(offset) || offset < 0) return badRequest('InvalidSkipToken', 'The $skipToken is not valid.');
        const all = [...tasks.of(registry.name).values()].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
        const page = all.slice(offset, offset + Math.max(1, tasks.pageSize));
        const next = offset + page.length;
        let nextLink: string | undefined;
        if (next < all.length) {
          const query = new URLSearchParams({
            'api-version': ctx.req.query['api-version'] ?? '2019-06-01-preview',
            $skipToken: Buffer.from(String(next)).toString('base64url'),
          });
          nextLink = `${ctx.baseUrl}${ctx.req.path}?${query.toString()}`;
        }
        return json(200, { value: page.map((t) => taskJson(t, false)), ...(nextLink && { nextLink }) });
      }),
    },
    {
      method: 'GET',
      pattern: `${registryPattern}/tasks/{taskName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const task = taskOr404(registry, ctx.params.taskName!);
        return isReply(task) ? task : json(200, taskJson(task, false));
      }),
    },
    {
      method: 'POST',
      pattern: `${registryPattern}/tasks/{taskName}/listDetails`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const task = taskOr404(registry, ctx.params.taskName!);
        return isReply(task) ? task : json(200, taskJson(task, true));
      }),
    },
    {
      method: 'PUT',
      pattern: `${registryPattern}/tasks/{taskName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const name = ctx.params.taskName!;
        if (!validTaskName(name)) return invalid(`The task name '${name}' is not valid: it must be 5-50 letters, digits, hyphens and underscores.`);
        const body = ctx.req.body;
        if (!isObject(body)) return badRequest('InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
        if (typeof body.location !== 'string' || body.location === '')
          return badRequest('LocationRequired', 'The location property is required for this definition.');
        const properties = readProperties(body.properties);
        if (isReply(properties)) return properties;
        const tags = readTags(body.tags);
        if (isReply(tags)) return tags;
        const existing = tasks.of(registry.name).get(name.toLowerCase());
        const id = existing?.id ?? `${registry.id}/tasks/${name}`;
        const identity = identityJson(body.identity, id);
        if (isReply(identity)) return identity;
        const task: EmulatedTask = {
          id,
          name: existing?.name ?? name,
          location: body.location,
          ...(tags && { tags }),
          ...(identity && { identity }),
          created: existing?.created ?? ctx.now,
          modified: ctx.now,
          properties,
        };
        tasks.of(registry.name).set(name.toLowerCase(), task);
        return json(200, taskJson(task, false));
      }),
    },
    {
      method: 'PATCH',
      pattern: `${registryPattern}/tasks/{taskName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const task = taskOr404(registry, ctx.params.taskName!);
        if (isReply(task)) return task;
        const body = ctx.req.body ?? {};
        if (!isObject(body)) return badRequest('InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
        if (body.properties !== undefined && body.properties !== null && !isObject(body.properties))
          return invalid("The 'properties' of the update must be an object.");
        const properties = readProperties(mergeUpdate(task.properties, isObject(body.properties) ? body.properties : {}));
        if (isReply(properties)) return properties;
        const tags = readTags(body.tags);
        if (isReply(tags)) return tags;
        const identity = identityJson(body.identity, task.id);
        if (isReply(identity)) return identity;
        task.properties = properties;
        if (tags) task.tags = tags;
        if (identity) task.identity = identity;
        task.modified = ctx.now;
        return json(200, taskJson(task, false));
      }),
    },
    {
      method: 'DELETE',
      pattern: `${registryPattern}/tasks/{taskName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const key = ctx.params.taskName!.toLowerCase();
        if (!tasks.of(registry.name).delete(key)) return empty(204);
        return empty(200);
      }),
    },
  ];
}
