// The GraphQL schema: the same resources as REST (workflows, versions, runs with their node
// executions, usage), the same writes, and run events as a subscription.
export const SCHEMA = /* GraphQL */ `
  "Any JSON value"
  scalar JSON

  enum RunStatus {
    queued
    running
    succeeded
    failed
    partial_succeeded
    stopped
  }

  type WorkflowVersion {
    id: ID!
    number: Int!
    checksum: String!
    source: String!
    createdAt: String!
    "the graph, in Dify's node shape"
    graph: JSON
  }

  type Workflow {
    id: ID!
    name: String!
    description: String!
    createdAt: String!
    latestVersion: WorkflowVersion!
    "newest first"
    versions(first: Int = 20): [WorkflowVersion!]!
    "newest first"
    runs(first: Int = 20, status: RunStatus): [Run!]!
  }

  type NodeExecution {
    id: ID!
    nodeId: String!
    nodeType: String!
    title: String!
    index: Int!
    status: String!
    inputs: JSON
    outputs: JSON
    error: String
    elapsedMs: Int
    totalTokens: Int!
    startedAt: String
    finishedAt: String
  }

  type Run {
    id: ID!
    workflowId: ID!
    workflowVersionId: ID!
    status: RunStatus!
    inputs: JSON
    outputs: JSON
    error: String
    elapsedMs: Int
    totalTokens: Int!
    totalSteps: Int!
    "exact decimal"
    totalPrice: String!
    currency: String!
    createdAt: String
    finishedAt: String
    nodeExecutions: [NodeExecution!]!
  }

  type Message {
    id: ID!
    runId: ID
    query: String!
    answer: String!
    status: String!
    totalTokens: Int!
    createdAt: String!
  }

  "A chatflow's conversation: its variables after the last turn, and its turns"
  type Conversation {
    id: ID!
    workflowId: ID!
    name: String!
    user: String
    dialogueCount: Int!
    variables: JSON
    createdAt: String!
    updatedAt: String!
    "newest first"
    messages(first: Int = 20): [Message!]!
  }

  "An uploaded file; its bytes are at url (GET, with an API key)"
  type File {
    id: ID!
    name: String!
    size: Int!
    "lower case, without the dot"
    extension: String!
    mimeType: String!
    "document, image, audio, video or custom"
    kind: String!
    sha256: String!
    url: String!
    createdBy: String
    workflowId: ID
    createdAt: String!
  }

  type FilePage {
    nodes: [File!]!
    hasMore: Boolean!
    nextCursor: String
  }

  type WorkflowPage {
    nodes: [Workflow!]!
    hasMore: Boolean!
    "pass as after for the next page"
    nextCursor: String
  }

  type RunPage {
    nodes: [Run!]!
    hasMore: Boolean!
    nextCursor: String
  }

  type ImportWarning {
    path: String!
    code: String!
    message: String!
    nodeId: String
  }

  type ImportResult {
    workflow: Workflow!
    warnings: [ImportWarning!]!
  }

  "A run event, as the SSE stream sends it (Dify's names and payloads)"
  type RunEvent {
    event: String!
    sequence: Int!
    taskId: ID!
    workflowRunId: ID!
    timestamp: Float!
    data: JSON
  }

  type Query {
    workflows(first: Int = 20, after: String): WorkflowPage!
    workflow(id: ID!): Workflow
    runs(workflowId: ID, status: RunStatus, first: Int = 20, after: String): RunPage!
    run(id: ID!): Run
    conversation(id: ID!): Conversation
    "uploaded files, newest first (a key bound to a workflow: that workflow's)"
    files(first: Int = 20, after: String): FilePage!
    file(id: ID!): File
    "the usage ledger: one row per model call, newest first"
    usage(runId: ID, first: Int = 100): [JSON!]!
  }

  input CreateWorkflowInput {
    name: String!
    description: String
    graph: JSON!
  }

  type Mutation {
    createWorkflow(input: CreateWorkflowInput!): Workflow!
    "a Dify DSL export (YAML); modelMap renames models"
    importWorkflow(yaml: String!, modelMap: JSON): ImportResult!
    "a new version; runs started from now on use it"
    publishWorkflow(id: ID!, graph: JSON!): Workflow!
    "queues a run and answers at once; follow it with the runEvents subscription"
    startRun(workflowId: ID!, inputs: JSON, idempotencyKey: String): Run!
    "stops a queued or running run (it ends stopped); an already finished run is an error naming its status"
    cancelRun(id: ID!): Run!
  }

  type Subscription {
    "the run's events from the start (or after afterSequence), until workflow_finished"
    runEvents(runId: ID!, afterSequence: Int = 0): RunEvent!
  }
`;
