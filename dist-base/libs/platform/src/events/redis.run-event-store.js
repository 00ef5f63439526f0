"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "RedisRunEventStore", {
    enumerable: true,
    get: function() {
        return RedisRunEventStore;
    }
});
const _runeventlimits = require("./run-event-limits");
const _runeventstore = require("./run-event-store");
const _logger = require("../logging/logger");
// INCR the run's sequence, XADD the event with the sequence as its stream id, PUBLISH it — atomically,
// so concurrent appenders (parallel branches, or a zombie worker) never reorder or lose an event.
// A run's stored bytes are counted (KEYS[4]); past ARGV[5] an event is dropped, unless it is the
// final one (ARGV[6] = '1'), which also shortens the keys' lifetime to the finished TTL (ARGV[7]).
const APPEND = `
local used = tonumber(redis.call('GET', KEYS[4]) or '0')
local size = string.len(ARGV[3]) + 120
if ARGV[6] ~= '1' and used + size > tonumber(ARGV[5]) then return false end
local seq = redis.call('INCR', KEYS[2])
local ev = '{"workflow_run_id":' .. ARGV[1] .. ',"task_id":' .. ARGV[1] .. ',"sequence":' .. seq .. ',"timestamp":' .. ARGV[2] .. ',' .. string.sub(ARGV[3], 2)
redis.call('XADD', KEYS[1], seq .. '-0', 'e', ev)
redis.call('INCRBY', KEYS[4], size)
local ttl = ARGV[4]
if ARGV[6] == '1' then ttl = ARGV[7] end
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('EXPIRE', KEYS[4], ttl)
redis.call('PUBLISH', KEYS[3], ev)
return ev`;
/** A running run's keys live this long after its last event (a run whose worker died never finishes). */ const ACTIVE_TTL_SECONDS = 24 * 3600;
let RedisRunEventStore = class RedisRunEventStore {
    redis;
    subscriber;
    prefix;
    limits;
    log = (0, _logger.createLogger)('RedisRunEventStore');
    listeners = new Map();
    // per channel: resolves once Redis has acknowledged the SUBSCRIBE (every subscriber of the channel waits for it)
    subscribed = new Map();
    constructor(redis, subscriber, prefix, limits = _runeventlimits.DEFAULT_RUN_EVENT_LIMITS){
        this.redis = redis;
        this.subscriber = subscriber;
        this.prefix = prefix;
        this.limits = limits;
        this.redis.defineCommand('shoalAppendRunEvent', {
            numberOfKeys: 4,
            lua: APPEND
        });
        this.subscriber.on('message', (channel, message)=>{
            const set = this.listeners.get(channel);
            if (!set) return;
            let e;
            try {
                e = JSON.parse(message);
            } catch (err) {
                this.log.error({
                    err,
                    channel
                }, 'unparseable run event');
                return;
            }
            for (const l of set)l(e);
        });
    }
    keys(runId) {
        return [
            `${this.prefix}run:${runId}:events`,
            `${this.prefix}run:${runId}:seq`,
            `${this.prefix}run-events:${runId}`,
            `${this.prefix}run:${runId}:bytes`
        ];
    }
    async append(runId, raw) {
        const body = (0, _runeventlimits.boundRunEvent)(raw, this.limits.fieldMaxBytes);
        const append = this.redis.shoalAppendRunEvent;
        const final = body.event === 'workflow_finished' ? 1 : 0;
        const json = await append.call(this.redis, ...this.keys(runId), JSON.stringify(runId), Date.now(), JSON.stringify(body), ACTIVE_TTL_SECONDS, this.limits.maxBytesPerRun, final, this.limits.finishedTtlSeconds);
        return json === null ? undefined : JSON.parse(json);
    }
    async lastSequence(runId) {
        // the stream, not the counter: a counter may outlive its events by nothing, but the stream is what replays read
        const last = await this.redis.xrevrange(this.keys(runId)[0], '+', '-', 'COUNT', 1);
        return last.length ? Number(last[0][0].split('-')[0]) : 0;
    }
    async read(runId, afterSeq = 0) {
        const entries = await this.redis.xrange(this.keys(runId)[0], `(${afterSeq}-0`, '+');
        return entries.map(([, fields])=>JSON.parse(fields[1]));
    }
    async subscribe(runId, afterSeq, onEvent) {
        const channel = this.keys(runId)[2];
        const delivery = new _runeventstore.OrderedDelivery(afterSeq, (after)=>this.read(runId, after), onEvent);
        const listener = (e)=>delivery.offer(e);
        let set = this.listeners.get(channel);
        if (!set) {
            set = new Set();
            this.listeners.set(channel, set);
            this.subscribed.set(channel, this.subscriber.subscribe(channel));
        }
        set.add(listener);
        try {
            await this.subscribed.get(channel);
        } catch (err) {
            set.delete(listener);
            throw err;
        }
        const unsubscribe = ()=>{
            delivery.close();
            const s = this.listeners.get(channel);
            if (!s) return;
            s.delete(listener);
            if (s.size === 0) {
                this.listeners.delete(channel);
                this.subscribed.delete(channel);
                this.subscriber.unsubscribe(channel).catch((err)=>this.log.warn({
                        err
                    }, 'unsubscribe failed'));
            }
        };
        // subscribed first, then read the backlog: nothing can fall between the two
        return (0, _runeventstore.catchUpOrUnsubscribe)(delivery, unsubscribe);
    }
    async close() {
        this.listeners.clear();
        this.subscribed.clear();
    }
};

//# sourceMappingURL=redis.run-event-store.js.map