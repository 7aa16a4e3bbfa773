/**
 * Each synthesized function in its own child process, started on its first request (a real cold
 * start: the bundle is loaded from its asset folder), on the Lambda runtime's Node major when the
 * `node` devDependency provides it. One event at a time per process, as a Lambda execution
 * environment handles them. The process sees only what Lambda would give it: the template's
 * environment, the runtime's reserved variables, and credentials and endpoints for the local
 * stand-ins of AWS.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { LOCAL_REGION, type LocalFunction } from './assembly';

const PROJECT_ROOT = join(__dirname, '..', '..', '..');
const RUNTIME = join(__dirname, 'lambda-runtime.cjs');

/** The Node binary of the `node` devDependency (the Lambda runtime's major), else this process's. */
export function lambdaNodeBinary(): string {
  const candidate = join(PROJECT_ROOT, 'node_modules', 'node', 'bin', 'node');
  return existsSync(candidate) ? candidate : process.execPath;
}

/** `24.21.0` */
export function nodeVersionOf(binary: string): string {
  return binary === process.execPath ? process.versions.node : execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
}

export interface AwsEndpoints {
  dynamodb: string;
  kms: string;
  sns: string;
  sesv2: string;
}

export interface FunctionPoolOptions {
  endpoints: AwsEndpoints;
  /** Each line a function writes, with the function's id; default: printed with a prefix. */
  log?: (functionId: string, line: string) => void;
  nodeBinary?: string;
  /** Tests only: variables every function gets over the template's (a cheaper password hash). */
  testEnvironment?: Readonly<Record<string, string>>;
}

interface Pending {
  resolve(result: APIGatewayProxyStructuredResultV2): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

class FunctionProcess {
  private child?: ChildProcess;
  private ready?: Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pending = new Map<string, Pending>();
  coldStarts = 0;

  constructor(
    readonly fn: LocalFunction,
    private readonly options: FunctionPoolOptions,
    private readonly nodeBinary: string,
  ) {}

  /** Lambda's reserved variables, the template's environment, and where AWS is. */
  environment(): NodeJS.ProcessEnv {
    const { fn, options } = this;
    return {
      PATH: process.env.PATH,
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      ...fn.environment,
      // A slow machine's allowance (shared/config.ts), applied to the invocation timeout below too.
      ...(process.env.TIMEOUT_SCALE && { TIMEOUT_SCALE: process.env.TIMEOUT_SCALE }),
      ...options.testEnvironment,
      _HANDLER: fn.handler,
      LAMBDA_TASK_ROOT: fn.codeDir,
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: 'local',
      ...(fn.logFormat && { AWS_LAMBDA_LOG_FORMAT: fn.logFormat }),
      ...(fn.applicationLogLevel && { AWS_LAMBDA_LOG_LEVEL: fn.applicationLogLevel }),
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      // The access key id names the function: the recording stand-ins read it from each request's
      // SigV4 Authorization header, so every AWS call is attributed to the role that would sign it.
      AWS_ACCESS_KEY_ID: fn.id,
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SESSION_TOKEN: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: options.endpoints.dynamodb,
      AWS_ENDPOINT_URL_KMS: options.endpoints.kms,
      AWS_ENDPOINT_URL_SNS: options.endpoints.sns,
      AWS_ENDPOINT_URL_SESV2: options.endpoints.sesv2,
    };
  }

  private start(): Promise<void> {
    this.coldStarts++;
    const startedAt = Date.now();
    const log = this.options.log ?? ((id, line) => console.log(`[${id}] ${line}`));
    const child = fork(RUNTIME, [], {
      execPath: this.nodeBinary,
      execArgv: [],
      cwd: this.fn.codeDir,
      env: this.environment(),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) if (line.trim()) log(this.fn.id, line);
      });
    }
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (message: { type: string; id?: string; initMs?: number; result?: APIGatewayProxyStructuredResultV2; error?: { errorType: string; errorMessage: string } }) => {
        if (message.type === 'ready') {
          log(this.fn.id, `cold start: process and bundle loaded in ${Date.now() - startedAt} ms (init ${message.initMs} ms)`);
          return resolve();
        }
        if (message.type === 'init-error') return reject(new Error(`${this.fn.id} failed to initialise: ${message.error?.errorMessage}`));
        const pending = message.id ? this.pending.get(message.id) : undefined;
        if (!pending) return;
        this.pending.delete(message.id!);
        clearTimeout(pending.timer);
        if (message.type === 'result') pending.resolve(message.result!);
        else pending.reject(new Error(`${this.fn.id}: ${message.error?.errorType}: ${message.error?.errorMessage}`));
      });
      child.once('exit', (code, signal) => {
        if (this.child === child) {
          this.child = undefined;
          this.ready = undefined;
        }
        const error = new Error(`${this.fn.id}: the function's process exited (${signal ?? code})`);
        reject(error);
        for (const [id, pending] of this.pending) {
          clearTimeout(pending.timer);
          pending.reject(error);
          this.pending.delete(id);
        }
      });
    });
    return ready;
  }

  invoke(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    // One event at a time, in arrival order, as one execution environment handles them.
    const run = this.queue.then(() => this.invokeNow(event));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async invokeNow(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    this.ready ??= this.start();
    await this.ready;
    const child = this.child!;
    const id = randomUUID();
    const timeoutMs = this.fn.timeoutSeconds * 1000 * Number(process.env.TIMEOUT_SCALE ?? 1);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // Lambda ends a timed-out invocation by discarding the environment.
        child.kill('SIGKILL');
        reject(new Error(`${this.fn.id}: timed out after ${this.fn.timeoutSeconds} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      child.send({
        type: 'invoke',
        id,
        event,
        timeoutMs,
        context: {
          functionName: this.fn.name,
          functionVersion: '$LATEST',
          invokedFunctionArn: this.fn.arn,
          memoryLimitInMB: String(this.fn.memoryMb),
          // An HTTP API event carries its request id; other events (a custom resource's) get one.
          awsRequestId: event.requestContext?.requestId ?? `local-${id}`,
          logGroupName: `/aws/lambda/${this.fn.name}`,
          logStreamName: 'local',
        },
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export class FunctionPool {
  private readonly processes = new Map<string, FunctionProcess>();
  readonly nodeBinary: string;

  constructor(
    functions: Iterable<LocalFunction>,
    options: FunctionPoolOptions,
  ) {
    this.nodeBinary = options.nodeBinary ?? lambdaNodeBinary();
    for (const fn of functions) this.processes.set(fn.id, new FunctionProcess(fn, options, this.nodeBinary));
  }

  invoke(functionId: string, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    const fn = this.processes.get(functionId);
    if (!fn) throw new Error(`No function ${functionId}`);
    return fn.invoke(event);
  }

  /** Cold starts per function so far. */
  coldStarts(): Record<string, number> {
    return Object.fromEntries([...this.processes].map(([id, p]) => [id, p.coldStarts]));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
  }
}
