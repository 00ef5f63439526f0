// Dify's service API acts on one app: the workflow the caller's key is bound to (Dify's app key).
import { ApiError, type RequestContext } from '@shoal/platform';

export function appWorkflowId(ctx: RequestContext): string {
  if (!ctx.workflowId)
    throw new ApiError(
      'forbidden',
      "Dify's API acts on one app: use a key bound to a workflow (POST /v1/api-keys with workflow_id), as a Dify app key is",
    );
  return ctx.workflowId;
}

const seconds = (d: Date | null | undefined) => (d ? Math.floor(d.getTime() / 1000) : null);
export { seconds as unixSeconds };
