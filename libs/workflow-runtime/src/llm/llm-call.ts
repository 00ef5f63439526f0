// What an LLM-calling node records of its calls: tokens and cost summed over every call it made
// (a structured output's repair call is a second one), and the usage output Dify shows.
import type { NodeRunResult } from '../node-executor';
import type { LlmChatResult } from '../ports';
import { addAmounts, type NodeCost } from '../run-cost';
import { keepShapes } from '../kept-shapes';

export class LlmCallTally {
  prompt = 0;
  completion = 0;
  total = 0;
  cost: NodeCost | undefined;

  add(result: LlmChatResult): void {
    this.prompt += result.usage.promptTokens;
    this.completion += result.usage.completionTokens;
    this.total += result.usage.totalTokens;
    this.addCost(result.cost);
  }

  /** A failed call's cost (it may still have been billed). */
  addCost(cost: NodeCost | null | undefined): void {
    if (!cost) return;
    if (!this.cost) this.cost = { ...cost };
    else if (this.cost.currency === cost.currency)
      this.cost = { amount: addAmounts(this.cost.amount, cost.amount), currency: cost.currency };
  }

  /** Dify's `usage` output (the token part of its LLMUsage). */
  usage(): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
    return { prompt_tokens: this.prompt, completion_tokens: this.completion, total_tokens: this.total };
  }

  /** The node's result with its calls' tokens and cost, built as one literal (a spread costs a slower object). */
  result(inputs: Record<string, unknown>, outputs: Record<string, unknown>, processData: Record<string, unknown>): NodeRunResult {
    const tokens = { prompt: this.prompt, completion: this.completion, total: this.total };
    return this.cost ? { inputs, outputs, processData, tokens, cost: this.cost } : { inputs, outputs, processData, tokens };
  }

  /** An error that fails the node carrying what its calls cost, so the checkpoint records it. */
  fail(err: Error): Error {
    return this.cost ? Object.assign(err, { cost: this.cost }) : err;
  }
}

// an idle one, so that the class's hidden class outlives a GC with no LLM node running (see kept-shapes)
keepShapes(new LlmCallTally());
