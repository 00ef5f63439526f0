// Shoal's runs and workflows in the shapes Dify's service API answers with.
import { runStatusFromColumn } from '@shoal/contracts';
import type { FileLimits } from '../files/file-limits';
import type { StartVariable, WorkflowGraph } from '@shoal/workflow-dsl';
import type { RunRow } from '../runs/runs.repository';
import { unixSeconds } from './dify-app';

/** Dify's WorkflowRun `data` (blocking answers, run detail). */
export function difyRunData(run: RunRow) {
  return {
    id: run.id,
    workflow_id: run.workflowId,
    status: runStatusFromColumn(run.status),
    outputs: run.outputs ?? null,
    error: run.error,
    elapsed_time: (run.elapsedMs ?? 0) / 1000,
    total_tokens: run.totalTokens,
    total_steps: run.totalSteps,
    created_at: unixSeconds(run.createdAt),
    finished_at: unixSeconds(run.finishedAt),
  };
}

/** POST /workflows/run, blocking. */
export function difyBlockingAnswer(run: RunRow) {
  return { workflow_run_id: run.id, task_id: run.id, data: difyRunData(run) };
}

/** GET /workflows/run/{id}. */
export function difyRunDetail(run: RunRow) {
  return { ...difyRunData(run), inputs: run.inputs };
}

/** GET /workflows/logs: one entry. */
export function difyLogEntry(run: RunRow & { versionNumber: number }) {
  return {
    id: run.id,
    workflow_run: {
      id: run.id,
      version: String(run.versionNumber),
      status: runStatusFromColumn(run.status),
      error: run.error,
      elapsed_time: (run.elapsedMs ?? 0) / 1000,
      total_tokens: run.totalTokens,
      total_steps: run.totalSteps,
      created_at: unixSeconds(run.createdAt),
      finished_at: unixSeconds(run.finishedAt),
    },
    created_from: 'service-api',
    created_by_role: 'end_user',
    created_by_account: null,
    created_by_end_user: run.endUser ? { id: run.endUser, type: 'service_api', is_anonymous: false, session_id: run.endUser } : null,
    created_at: unixSeconds(run.createdAt),
  };
}

/** A message's files as Dify's GET /messages lists them: the Dify file objects its turn was started with. */
export function difyMessageFiles(files: readonly unknown[]) {
  return files.map((value) => {
    const f = value as Record<string, unknown>;
    return {
      id: f.related_id ?? null,
      type: f.type,
      url: f.url,
      belongs_to: 'user',
      filename: f.filename,
      extension: f.extension,
      mime_type: f.mime_type,
      size: f.size,
      transfer_method: f.transfer_method,
      upload_file_id: f.related_id ?? null,
    };
  });
}

const DISABLED = { enabled: false };
const inMb = (bytes: number) => Math.floor(bytes / (1024 * 1024));

/** GET /parameters: the start form as Dify's `user_input_form`, and the features Shoal keeps (off where it has none). */
export function difyParameters(graph: WorkflowGraph & { features?: Record<string, unknown> }, files: FileLimits) {
  const start = graph.nodes.find((n) => n.data.type === 'start');
  const variables = ((start?.data as { variables?: StartVariable[] } | undefined)?.variables ?? []) as StartVariable[];
  const features = graph.features ?? {};
  const feature = (name: string, fallback: unknown) => (name in features ? features[name] : fallback);
  return {
    opening_statement: feature('opening_statement', ''),
    suggested_questions: feature('suggested_questions', []),
    suggested_questions_after_answer: feature('suggested_questions_after_answer', DISABLED),
    speech_to_text: DISABLED,
    text_to_speech: DISABLED,
    retriever_resource: DISABLED,
    annotation_reply: DISABLED,
    more_like_this: DISABLED,
    sensitive_word_avoidance: DISABLED,
    user_input_form: variables.map((v) => ({
      [v.type]: {
        label: v.label,
        variable: v.variable,
        required: v.required,
        default: v.default ?? '',
        ...(v.max_length !== undefined ? { max_length: v.max_length } : {}),
        ...(v.options ? { options: v.options } : {}),
      },
    })),
    // the app's own file settings when its export had them (Shoal takes uploads either way)
    file_upload: feature('file_upload', { image: { enabled: false, number_limits: 3, transfer_methods: ['local_file', 'remote_url'] } }),
    // Dify states these in MB
    system_parameters: {
      file_size_limit: inMb(files.maxBytes),
      image_file_size_limit: inMb(files.maxImageBytes),
      audio_file_size_limit: inMb(files.maxAudioBytes),
      video_file_size_limit: inMb(files.maxVideoBytes),
      workflow_file_upload_limit: files.maxRunFiles,
    },
  };
}
