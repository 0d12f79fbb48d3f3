/**
 * An in-memory, loopback stand-in for an EventStoreDB server, built on the gRPC service
 * definitions that @eventstore/db-client ships (`generated/streams_grpc_pb`). It lets the REAL
 * client and our adapter run end to end in every test run. It is an extra check, never a
 * substitute for the contract run against a real server (EVENTSTORE_URL): it models only what our
 * contract depends on, following the server's source (Streams.Append/Read, IndexWriter.CheckCommit,
 * the $all subscription enumerators), and every known difference is commented where it arises.
 *
 * Modelled: 0-based stream revisions; expected-revision checks (any / no_stream / stream_exists /
 * exact) answered with the server's WrongExpectedVersion reply; idempotent re-appends of the same
 * event ids as CheckCommit decides them (for an exact expected revision, the ids must sit right
 * after it in order; for 'any' and 'stream_exists', only be in the stream; payloads are never
 * compared) and its "invalid transaction" reply to a batch that matches only in part; one log position per event (commit = prepare, increasing, with gaps like byte
 * offsets); stream reads forwards/backwards with a start and a count, and the stream-not-found
 * reply; $all reads from a position (inclusive) forwards and backwards; subscriptions to $all from
 * a position (exclusive) that catch up and then go live, with the server-side stream-name or
 * event-type filter (prefixes or regex, as `excludeSystemEvents()` sends), the confirmation and
 * caught-up messages, and the filter checkpoints (per search window and checkpoint interval, in
 * catch-up and live, as Enumerators.AllSubscriptionFiltered and SubscriptionsService send them);
 * a few system events of its own at the start of $all.
 *
 * Not modelled: persistence, clusters and leader election, TLS and authentication, ACLs and
 * stream metadata (max-age, truncation), deletes and tombstones, link events, stream
 * subscriptions, BatchAppend and ServerFeatures (both answer UNIMPLEMENTED, so the client falls
 * back to plain Append, whereas against a 21.10+ server it uses BatchAppend), filtered pages
 * that hit their read deadline, back-pressure and "fell behind", and the server's periodic
 * system events ($stats).
 */
import grpc from '@grpc/grpc-js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsGrpcPb from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type * as pb from '@eventstore/db-client/generated/streams_pb.js';
import { randomUUID } from 'node:crypto';

const { StreamsService } = streamsGrpcPb;
const { AppendResp, AppendReq, ReadReq, ReadResp } = streamsPb;
const { Empty, StreamIdentifier, UUID } = sharedPb;

export interface EsdbStandIn {
  /** e.g. `esdb://127.0.0.1:40123?tls=false` */
  readonly connectionString: string;
  /** Ends live subscriptions and shuts the server down (forcibly if calls linger). */
  close(): Promise<void>;
}

interface StoredEvent {
  stream: string;
  revision: bigint;
  /** Commit = prepare position: every event appended over gRPC is its own log record. */
  position: bigint;
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch, as the server sends `created`. */
  created: bigint;
}

type Expected = 'any' | 'no_stream' | 'stream_exists' | bigint;
type Decision = { kind: 'ok' } | { kind: 'wrong' } | { kind: 'idempotent'; last: bigint } | { kind: 'corrupted' };

const utf8 = (bytes: Uint8Array | string) => (typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));

/** A gRPC error carrying the `exception` trailer the client maps to its typed errors. */
function rpcError(code: grpc.status, details: string, exception?: string, extra: Record<string, string> = {}) {
  const metadata = new grpc.Metadata();
  if (exception) metadata.set('exception', exception);
  for (const [key, value] of Object.entries(extra)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

class InMemoryEsdb {
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  /** Event id -> where it was written. The server keeps a bounded cache of recent ids; this remembers all. */
  private readonly ids = new Map<string, { stream: string; revision: bigint }>();
  private readonly live = new Set<{ deliver: (event: StoredEvent) => void; call: grpc.ServerWritableStream<pb.ReadReq, pb.ReadResp> }>();
  // The log starts with the server's epoch record, which is not an event, so no event sits at 0.
  private nextPosition = 128n;

  constructor() {
    // The server's own bookkeeping at the start of $all; these names are stand-ins for it. A `$`-stream
    // with a non-`$` type also passes the server's excludeSystemEvents() filter (which looks at the type).
    const json = (value: unknown) => Buffer.from(JSON.stringify(value));
    this.write('$$$scavenges', [{ id: randomUUID(), type: '$metadata', contentType: 'application/json', data: json({ $maxAge: 2592000 }), metadata: new Uint8Array() }]);
    this.write('$user-admin', [{ id: randomUUID(), type: '$User', contentType: 'application/json', data: json({ loginName: 'admin' }), metadata: new Uint8Array() }]);
    this.write('$settings', [{ id: randomUUID(), type: 'update-default-acl', contentType: 'application/json', data: json({ $userStreamAcl: {} }), metadata: new Uint8Array() }]);
  }

  // ---- Append (client-streaming): options first, then the proposed messages ----

  append(call: grpc.ServerReadableStream<pb.AppendReq, pb.AppendResp>, callback: grpc.sendUnaryData<pb.AppendResp>): void {
    const requests: pb.AppendReq[] = [];
    call.on('data', (request: pb.AppendReq) => requests.push(request));
    call.on('error', () => undefined); // the client went away; nothing was written
    call.on('end', () => {
      try {
        callback(null, this.appendBatch(requests));
      } catch (error) {
        callback(error as grpc.ServiceError);
      }
    });
  }

  private appendBatch([head, ...rest]: pb.AppendReq[]): pb.AppendResp {
    const options = head?.getOptions();
    if (!options || rest.some((r) => r.getContentCase() !== AppendReq.ContentCase.PROPOSED_MESSAGE)) {
      throw rpcError(grpc.status.INVALID_ARGUMENT, 'An append starts with its options, followed by proposed messages.');
    }
    const stream = utf8(options.getStreamIdentifier()?.getStreamName_asU8() ?? '');
    const Case = AppendReq.Options.ExpectedStreamRevisionCase;
    const expected: Expected =
      options.getExpectedStreamRevisionCase() === Case.REVISION
        ? BigInt(options.getRevision())
        : options.getExpectedStreamRevisionCase() === Case.NO_STREAM
          ? 'no_stream'
          : options.getExpectedStreamRevisionCase() === Case.STREAM_EXISTS
            ? 'stream_exists'
            : 'any';
    const proposed = rest.map((r) => {
      const message = r.getProposedMessage()!;
      const metadata = message.getMetadataMap();
      for (const required of ['type', 'content-type']) {
        if (!metadata.get(required)) {
          throw rpcError(grpc.status.INVALID_ARGUMENT, `Missing ${required}`, 'missing-required-metadata-property', {
            'required-metadata-properties': required,
          });
        }
      }
      return {
        // The server parses the id as a Guid, so it comes back in canonical lower case.
        id: (message.getId()?.getString() ?? randomUUID()).toLowerCase(),
        type: metadata.get('type')!,
        contentType: metadata.get('content-type')!,
        data: message.getData_asU8(),
        metadata: message.getCustomMetadata_asU8(),
      };
    });

    const current = BigInt(this.streams.get(stream)?.length ?? 0) - 1n; // -1: no stream
    const decision = this.checkCommit(stream, expected, current, proposed.map((p) => p.id));
    const response = new AppendResp();
    switch (decision.kind) {
      case 'ok': {
        if (proposed.length === 0) {
          // Nothing to write: the server answers at once, with no position.
          const success = new AppendResp.Success().setNoPosition(new Empty());
          return response.setSuccess(current < 0n ? success.setNoStream(new Empty()) : success.setCurrentRevision(String(current)));
        }
        const last = this.write(stream, proposed);
        return response.setSuccess(
          new AppendResp.Success()
            .setCurrentRevision(String(last.revision))
            .setPosition(new AppendResp.Position().setCommitPosition(String(last.position)).setPreparePosition(String(last.position))),
        );
      }
      case 'idempotent': {
        // Current servers report the position of the last event of the retried batch
        // (CommitCheckResult's idempotent log position); 20.x answered `no_position` here.
        const last = this.streams.get(stream)![Number(decision.last)]!;
        return response.setSuccess(
          new AppendResp.Success()
            .setCurrentRevision(String(decision.last))
            .setPosition(new AppendResp.Position().setCommitPosition(String(last.position)).setPreparePosition(String(last.position))),
        );
      }
      case 'corrupted':
        // Some ids of the batch were written at the expected place and some not: the server refuses it.
        throw rpcError(grpc.status.INVALID_ARGUMENT, 'Invalid transaction.', 'invalid-transaction');
      case 'wrong': {
        // As Streams.Append sends it: the current fields, plus the deprecated 20.6.0 ones.
        const wrong = new AppendResp.WrongExpectedVersion();
        if (expected === 'any') wrong.setExpectedAny(new Empty()).setAny2060(new Empty());
        else if (expected === 'stream_exists') wrong.setExpectedStreamExists(new Empty()).setStreamExists2060(new Empty());
        // (The server also sets expected_revision_20_6_0 = 2^64-1 for no_stream, which a JS number cannot hold.)
        else if (expected === 'no_stream') wrong.setExpectedNoStream(new Empty());
        else wrong.setExpectedRevision(String(expected)).setExpectedRevision2060(Number(expected));
        if (current < 0n) wrong.setCurrentNoStream(new Empty()).setNoStream2060(new Empty());
        else wrong.setCurrentRevision(String(current)).setCurrentRevision2060(Number(current));
        return response.setWrongExpectedVersion(wrong);
      }
    }
  }

  /** The server's IndexWriter.CheckCommit, minus deleted and soft-deleted streams. */
  private checkCommit(stream: string, expected: Expected, current: bigint, ids: string[]): Decision {
    if (expected === 'stream_exists' && current < 0n) return { kind: 'wrong' };
    if (expected === 'any' || expected === 'stream_exists') {
      // Best effort on the server (a cache of recent ids); first id unknown -> a new write.
      let last: bigint | undefined;
      for (const [i, id] of ids.entries()) {
        const known = this.ids.get(id);
        if (!known || known.stream !== stream) return i === 0 ? { kind: 'ok' } : { kind: 'corrupted' };
        last = known.revision;
      }
      return last === undefined ? { kind: 'ok' } : { kind: 'idempotent', last };
    }
    const exact = expected === 'no_stream' ? -1n : expected;
    if (exact < current) {
      // Already written after `exact`? Then the same ids must sit there, in order.
      const events = this.streams.get(stream) ?? [];
      let revision = exact;
      for (const id of ids) {
        revision += 1n;
        if (events[Number(revision)]?.id === id) continue;
        return revision === exact + 1n ? { kind: 'wrong' } : { kind: 'corrupted' };
      }
      return revision === exact ? { kind: 'wrong' } : { kind: 'idempotent', last: revision };
    }
    return exact > current ? { kind: 'wrong' } : { kind: 'ok' };
  }

  private write(stream: string, proposed: Omit<StoredEvent, 'stream' | 'revision' | 'position' | 'created'>[]): StoredEvent {
    const events = this.streams.get(stream) ?? [];
    this.streams.set(stream, events);
    const created = BigInt(Date.now()) * 10_000n;
    const written = proposed.map((p) => {
      const event: StoredEvent = { ...p, stream, revision: BigInt(events.length), position: this.nextPosition, created };
      // Positions are byte offsets in the server's log: increasing, with gaps of about a record's size.
      this.nextPosition += BigInt(64 + Buffer.byteLength(stream) + Buffer.byteLength(p.type) + p.data.length + p.metadata.length);
      events.push(event);
      this.log.push(event);
      this.ids.set(event.id, { stream, revision: event.revision });
      return event;
    });
    // Live subscribers see the batch only once it is complete, in log order.
    for (const event of written) for (const subscriber of this.live) subscriber.deliver(event);
    return written[written.length - 1]!;
  }

  // ---- Read (server-streaming): stream reads, $all reads and $all subscriptions ----

  read(call: grpc.ServerWritableStream<pb.ReadReq, pb.ReadResp>): void {
    try {
      const options = call.request.getOptions();
      if (!options) throw rpcError(grpc.status.INVALID_ARGUMENT, 'Read options are required.');
      if (options.getUuidOption()?.hasStructured()) {
        throw rpcError(grpc.status.UNIMPLEMENTED, 'The stand-in sends event ids as strings only.');
      }
      const forwards = options.getReadDirection() === ReadReq.Options.ReadDirection.FORWARDS;
      const count = options.hasCount() ? BigInt(options.getCount()) : undefined;
      if (options.hasStream()) {
        if (options.hasSubscription()) throw rpcError(grpc.status.UNIMPLEMENTED, 'Stream subscriptions are not modelled.');
        this.readStream(call, options.getStream()!, forwards, count ?? 0n);
        call.end();
      } else if (options.hasAll()) {
        const matches = compileFilter(options);
        if (options.hasSubscription()) this.subscribeToAll(call, options, matches);
        else {
          this.readAll(call, options.getAll()!, forwards, count ?? 0n, matches);
          call.end();
        }
      } else {
        throw rpcError(grpc.status.INVALID_ARGUMENT, 'Read either a stream or $all.');
      }
    } catch (error) {
      call.emit('error', error);
    }
  }

  private readStream(call: grpc.ServerWritableStream<pb.ReadReq, pb.ReadResp>, options: pb.ReadReq.Options.StreamOptions, forwards: boolean, count: bigint) {
    const identifier = options.getStreamIdentifier()!;
    const events = this.streams.get(utf8(identifier.getStreamName_asU8()));
    if (!events) {
      call.write(new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(identifier)));
      return;
    }
    const Case = ReadReq.Options.StreamOptions.RevisionOptionCase;
    const last = events.length - 1;
    const from =
      options.getRevisionOptionCase() === Case.REVISION
        ? Number(BigInt(options.getRevision()))
        : options.getRevisionOptionCase() === Case.END
          ? forwards ? events.length : last
          : 0; // START: backwards from it yields the first event only, as on the server
    // Backwards from beyond the end starts at the last event.
    const selected = forwards ? events.slice(from) : events.slice(0, Math.min(from, last) + 1).reverse();
    // Stream reads carry the event's own positions but no outer commit position, as the server sends them.
    for (const event of selected.slice(0, Number(count))) call.write(toReadResp(event, false));
  }

  private readAll(call: grpc.ServerWritableStream<pb.ReadReq, pb.ReadResp>, options: pb.ReadReq.Options.AllOptions, forwards: boolean, count: bigint, matches: (e: StoredEvent) => boolean) {
    const Case = ReadReq.Options.AllOptions.AllOptionCase;
    const position =
      options.getAllOptionCase() === Case.POSITION
        ? BigInt(options.getPosition()!.getCommitPosition())
        : options.getAllOptionCase() === Case.END
          ? this.nextPosition
          : forwards ? 0n : this.nextPosition;
    // Forwards from a position includes the event there; backwards returns the events before it.
    // (The server reads the log record found at the position; a position inside a record is not valid there.)
    const selected = forwards ? this.log.filter((e) => e.position >= position) : this.log.filter((e) => e.position < position).reverse();
    let sent = 0n;
    for (const event of selected) {
      if (sent >= count) break;
      if (!matches(event)) continue;
      call.write(toReadResp(event, true));
      sent += 1n;
    }
  }

  private subscribeToAll(call: grpc.ServerWritableStream<pb.ReadReq, pb.ReadResp>, options: pb.ReadReq.Options, matches: (e: StoredEvent) => boolean) {
    const all = options.getAll()!;
    const Case = ReadReq.Options.AllOptions.AllOptionCase;
    // Exclusive: a subscription from a position delivers the events after it (the catch-up skips `position <= start`).
    const after =
      all.getAllOptionCase() === Case.POSITION
        ? BigInt(all.getPosition()!.getCommitPosition())
        : all.getAllOptionCase() === Case.END
          ? (this.log[this.log.length - 1]?.position ?? -1n)
          : -1n;
    const checkpoints = filterCheckpoints(options);
    call.write(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
    // Catch-up and the switch to live happen in one turn of the event loop, so no append falls in
    // between: nothing is skipped or repeated at the hand-over (the server reads missed events to get this).
    // Like the server's catch-up (Enumerators.AllSubscriptionFiltered): pages of at most one search
    // window of events examined and 32 sent; after a page that does not reach the end, once the
    // examined count reaches the checkpoint interval, a checkpoint at the page's last event sent, or
    // at the page's start if it sent none.
    const pending = this.log.filter((e) => e.position > after);
    const window = checkpoints?.window ?? Number.POSITIVE_INFINITY;
    for (let i = 0; i < pending.length; ) {
      let position = pending[i]!.position;
      let examined = 0;
      let sent = 0;
      while (i < pending.length && examined < window && sent < READ_BATCH_SIZE) {
        const event = pending[i++]!;
        examined++;
        if (!matches(event)) continue;
        call.write(toReadResp(event, true));
        position = event.position;
        sent++;
      }
      if (!checkpoints || i >= pending.length) continue; // the end of $all: the server goes live
      checkpoints.counter += examined;
      if (checkpoints.counter >= checkpoints.interval) {
        checkpoints.counter %= checkpoints.interval;
        call.write(checkpointResp(position));
      }
    }
    call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp())); // servers since 23.10 send it
    const subscriber = {
      call,
      deliver: (event: StoredEvent) => {
        if (call.cancelled) return;
        if (matches(event)) call.write(toReadResp(event, true));
        // Live, like SubscriptionsService: every committed event counts (the catch-up's count carried
        // over), and reaching the interval sends a checkpoint at that event, after it.
        if (checkpoints && ++checkpoints.counter >= checkpoints.interval) {
          checkpoints.counter = 0;
          call.write(checkpointResp(event.position));
        }
      },
    };
    this.live.add(subscriber);
    const drop = () => this.live.delete(subscriber);
    call.on('cancelled', drop);
    call.on('close', drop);
  }

  endSubscriptions(): void {
    for (const { call } of this.live) call.end();
    this.live.clear();
  }
}

/** The server-side filter of a read or subscription to $all: on the stream name or the event type. */
function compileFilter(options: pb.ReadReq.Options): (event: StoredEvent) => boolean {
  const filter = options.getFilter();
  if (!filter) return () => true;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier()! : filter.getEventType()!;
  const field = (event: StoredEvent) => (onStream ? event.stream : event.type);
  const prefixes = expression.getPrefixList();
  if (prefixes.length > 0) return (event) => prefixes.some((prefix) => field(event).startsWith(prefix));
  // The server uses .NET regexes; the patterns clients send (e.g. `^[^$].*`) mean the same in JS.
  const regex = new RegExp(expression.getRegex());
  return (event) => regex.test(field(event));
}

/** The server reads filtered pages of 32 events (ReadBatchSize) unless the filter sets a search window. */
const READ_BATCH_SIZE = 32;

/**
 * How a filtered subscription reports progress: the search window (`max`, else 32) and a
 * checkpoint every `checkpointIntervalMultiplier` × window events examined. Unfiltered
 * subscriptions get no checkpoints.
 */
function filterCheckpoints(options: pb.ReadReq.Options): { window: number; interval: number; counter: number } | undefined {
  const filter = options.getFilter();
  if (!filter) return undefined;
  const window = filter.hasMax() ? filter.getMax() : READ_BATCH_SIZE;
  return { window, interval: filter.getCheckpointintervalmultiplier() * window, counter: 0 };
}

function checkpointResp(position: bigint): pb.ReadResp {
  return new ReadResp().setCheckpoint(new ReadResp.Checkpoint().setCommitPosition(String(position)).setPreparePosition(String(position)));
}

function toReadResp(event: StoredEvent, withCommitPosition: boolean): pb.ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new UUID().setString(event.id))
    .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(event.stream, 'utf8')))
    .setStreamRevision(String(event.revision))
    .setCommitPosition(String(event.position))
    .setPreparePosition(String(event.position))
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', event.contentType);
  metadata.set('created', String(event.created));
  const read = new ReadResp.ReadEvent().setEvent(recorded);
  if (withCommitPosition) read.setCommitPosition(String(event.position));
  else read.setNoPosition(new Empty());
  return new ReadResp().setEvent(read);
}

/** Starts the stand-in on 127.0.0.1 with an ephemeral port, without TLS. */
export async function startEsdbStandIn(): Promise<EsdbStandIn> {
  const store = new InMemoryEsdb();
  const server = new grpc.Server();
  // Only Read and Append: BatchAppend, Delete and Tombstone (and the ServerFeatures service, which
  // is not registered) answer UNIMPLEMENTED, which makes the client use Append.
  server.addService(StreamsService, {
    read: (call: grpc.ServerWritableStream<pb.ReadReq, pb.ReadResp>) => store.read(call),
    append: (call: grpc.ServerReadableStream<pb.AppendReq, pb.AppendResp>, callback: grpc.sendUnaryData<pb.AppendResp>) =>
      store.append(call, callback),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    async close() {
      store.endSubscriptions();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
