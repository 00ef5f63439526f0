// Dify's node_retry event: a node_finished-shaped payload for the failed try, status 'retry', and retry_index.
import type { NodeRetryData, NodeStartedData } from '@shoal/contracts';
import type { AttemptResult } from './retry';
import type { NodeRunResult } from './node-executor';
import { errorMessage } from './error-message';
import type { SecretMasker } from './secret-masker';

export function nodeRetryData(
  started: NodeStartedData,
  failed: AttemptResult<NodeRunResult>,
  attempt: number,
  retryIndex: number,
  attemptStartedAt: number,
  at: number,
  secrets: SecretMasker,
): NodeRetryData {
  return {
    id: started.id,
    node_id: started.node_id,
    node_type: started.node_type,
    title: started.title,
    index: started.index,
    predecessor_node_id: started.predecessor_node_id,
    inputs: secrets.mask(failed.result?.inputs ?? null),
    process_data: secrets.mask(failed.result?.processData ?? null),
    outputs: null,
    created_at: started.created_at,
    status: 'retry',
    error: secrets.maskText(errorMessage(failed.error)),
    elapsed_time: (at - attemptStartedAt) / 1000,
    execution_metadata: null,
    finished_at: Math.floor(at / 1000),
    retry_index: retryIndex,
    attempt,
  };
}
