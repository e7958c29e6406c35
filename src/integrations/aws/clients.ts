/**
 * One AWS SDK v3 client per service and region, made on first use from the configuration, with a
 * middleware that keeps each response's status and headers: optimized integrations report them as
 * AWS does (`SdkHttpMetadata`), and the v3 clients otherwise drop them.
 */
import { endpointOf, type AwsConfig } from './config.js';
import type { AwsService, SdkModule } from './services.js';

/** What the integration uses of a v3 client (the module is loaded dynamically, so typed here). */
export interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<Record<string, unknown>>;
  destroy(): void;
}

/** A v3 command: each has its own middleware stack on top of its client's. */
interface SdkCommand {
  readonly middlewareStack: {
    add(middleware: (next: (args: unknown) => Promise<DeserializeOutput>) => (args: unknown) => Promise<DeserializeOutput>, options: { step: 'deserialize'; name: string }): void;
  };
}

interface DeserializeOutput {
  readonly response: unknown;
  readonly output: unknown;
}

export interface HttpMetadata {
  readonly statusCode: number;
  /** As received (node lower-cases header names). */
  readonly headers: Readonly<Record<string, string>>;
}

type ClientConstructor = new (config: Record<string, unknown>) => SdkClient;
type CommandConstructor = new (input: unknown) => SdkCommand;

export interface LoadedService {
  readonly module: SdkModule;
  readonly client: SdkClient;
}

export interface AwsClientsOptions {
  readonly config: AwsConfig;
  /** The region when neither the resource nor the configuration names one. */
  readonly region: string;
  /** Stepwright's own URL, once it listens: the default endpoint of Step Functions and Lambda calls. */
  readonly selfEndpoint?: () => string | undefined;
}

export class AwsClients {
  private readonly clients = new Map<string, Promise<LoadedService>>();

  constructor(private readonly options: AwsClientsOptions) {}

  /**
   * Why a call to `service` cannot be made, if it cannot: Step Functions and Lambda calls go to
   * Stepwright's own API, and with no server listening (a worker, `stepwright run`) and no endpoint
   * configured there is nowhere to send them (never real AWS unasked).
   */
  missingEndpoint(service: AwsService): string | undefined {
    if (service.id !== 'sfn' && service.id !== 'lambda') return undefined;
    if (endpointOf(this.options.config, service.id, this.options.selfEndpoint?.()) !== undefined) return undefined;
    return `${service.id} calls go to Stepwright's own API, which this process does not serve; configure where they go with --aws-endpoint ${service.id}=URL`;
  }

  /** The client of `service` for `region` (empty: the configured or default region). */
  service(service: AwsService, region: string): Promise<LoadedService> {
    const self = this.options.selfEndpoint?.();
    const endpoint = endpointOf(this.options.config, service.id, self);
    const resolvedRegion = endpoint?.region ?? (region !== '' ? region : (this.options.config.region ?? this.options.region));
    const key = `${service.id}\n${resolvedRegion}\n${endpoint?.url ?? ''}`;
    let loaded = this.clients.get(key);
    if (loaded === undefined) {
      loaded = service.load().then((module) => {
        // The export named by the catalogue is the client class (services.ts lists each client's).
        const Client = module[service.clientClass] as ClientConstructor;
        const credentials = endpoint?.credentials ?? this.options.config.credentials;
        const client = new Client({
          region: resolvedRegion,
          ...(endpoint !== undefined ? { endpoint: endpoint.url } : {}),
          ...(credentials !== undefined ? { credentials } : {}),
          ...(this.options.config.profile !== undefined ? { profile: this.options.config.profile } : {}),
          ...(this.options.config.maxAttempts !== undefined ? { maxAttempts: this.options.config.maxAttempts } : {}),
          // Emulators and Stepwright answer on one host: no bucket sub-domains, no `sync-` host prefix.
          ...(endpoint !== undefined ? { forcePathStyle: true, disableHostPrefix: true } : {}),
        });
        return { module, client };
      });
      loaded.catch(() => this.clients.delete(key));
      this.clients.set(key, loaded);
    }
    return loaded;
  }

  /** The command class of ACTION (`publish` → `PublishCommand`), when the client has it. */
  static commandOf(module: SdkModule, action: string): CommandConstructor | undefined {
    if (!/^[a-z][A-Za-z0-9]*$/.test(action)) return undefined;
    const name = `${action[0].toUpperCase()}${action.slice(1)}Command`;
    const command = Object.prototype.hasOwnProperty.call(module, name) ? module[name] : undefined;
    // Every `…Command` export of a v3 client is a command class.
    return typeof command === 'function' ? (command as CommandConstructor) : undefined;
  }

  /** Sends ACTION's command with `input`; the answer comes with the HTTP status and headers of its response. */
  static async send(client: SdkClient, Command: CommandConstructor, input: unknown): Promise<{ output: Record<string, unknown>; http?: HttpMetadata }> {
    const command = new Command(input);
    let http: HttpMetadata | undefined;
    command.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        const response = out.response as { statusCode?: number; headers?: Record<string, string> };
        http = { statusCode: response.statusCode ?? 200, headers: { ...(response.headers ?? {}) } };
        return out;
      },
      { step: 'deserialize', name: 'stepwrightHttpMetadata' },
    );
    const output = await client.send(command);
    return { output, ...(http !== undefined ? { http } : {}) };
  }

  /** Closes every client's sockets. */
  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    for (const loaded of await Promise.allSettled(all)) if (loaded.status === 'fulfilled') loaded.value.client.destroy();
  }
}
