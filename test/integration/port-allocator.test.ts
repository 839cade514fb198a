import { describePortAllocatorBehaviour } from '../support/port-allocator-behaviour';
import { standaloneRedis } from '../support/redis-targets';

describePortAllocatorBehaviour('a standalone Redis', standaloneRedis);
