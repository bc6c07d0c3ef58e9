import { bucketOf } from '../src/evaluation';

/**
 * Rollout buckets pinned as the first implementation computed them (sha256 through createHash): users must never move
 * between variants when the hashing code changes, so these literals are not to be regenerated.
 */
const PINNED: Array<[string, string, number]> = [
  ['new-checkout-flow', 'user-42', 84.6219384809956],
  ['team-0.feature-0015-rollout', 'user-42', 94.11037333775312],
  ['f', 'k', 15.374551946297288],
  ['checkout', 'user-1', 16.57048638444394],
  ['checkout', 'user-2', 7.222034386359155],
  ['dark-mode', 'ünïcödé-用户', 83.70879681315273],
  ['dark-mode', '42', 77.21567079424858],
  ['a:b', 'c', 69.11318879574537],
  ['', '', 90.49687101505697],
];

describe('rollout buckets', () => {
  it.each(PINNED)('bucketOf(%j, %j) is still %d', (flagKey, targetingKey, bucket) => {
    expect(bucketOf(flagKey, targetingKey)).toBe(bucket);
  });
});
