import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { services } from '@platform/topology';
import { afterAll, describe, expect, it } from 'vitest';
import { newServiceNameProblem, planNewService } from './new-service.js';

// an empty repository root, so that only the list and what a test creates here can make a name taken
const root = mkdtempSync(join(tmpdir(), 'new-service-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the generator's name check", () => {
  it('takes a free kebab-case name', () => {
    expect(newServiceNameProblem('gift-cards', root)).toBeUndefined();
  });

  it.each([
    ['GiftCards', 'is not kebab-case'],
    ['gift_cards', 'is not kebab-case'],
    ['gift--cards', 'is not kebab-case'],
    ['', 'is not kebab-case'],
    ['postgres', 'is a reserved word'],
    ['class', 'is a reserved word'],
    ['catalog', 'is taken: packages/topology/src/services.ts lists it'],
    ['storefront', 'is taken: packages/topology/src/services.ts lists it'],
  ])('refuses %j: it %s', (name, why) => {
    expect(newServiceNameProblem(name, root)).toContain(why);
  });

  it('refuses a name whose folder or proto package exists though the list lacks it', () => {
    mkdirSync(join(root, 'services/payments'), { recursive: true });
    expect(newServiceNameProblem('payments', root)).toBe('"payments" is taken: services/payments exists');
    mkdirSync(join(root, 'packages/contracts/proto/platform/gift_cards'), { recursive: true });
    expect(newServiceNameProblem('gift-cards', root)).toBe(
      '"gift-cards" is taken: packages/contracts/proto/platform/gift_cards exists',
    );
  });
});

describe('the plan of a new service', () => {
  it('takes the next free gRPC and ops ports of the list and derives every name from one', () => {
    const plan = planNewService({ name: 'gift-cards', storage: true, publicRoute: true }, services.slice(0, 6));
    expect(plan).toMatchObject({
      grpcPort: 50053,
      opsPort: 9104,
      camel: 'giftCards',
      pascal: 'GiftCards',
      constant: 'GIFT_CARDS',
      snake: 'gift_cards',
      packageName: '@platform/gift-cards',
      protoFile: 'platform/gift_cards/v1/gift_cards.proto',
      protoService: 'GiftCardsService',
      contractsNamespace: 'giftCardsV1',
      route: '/api/gift-cards',
    });
  });

  it('refuses to plan a malformed name', () => {
    expect(() => planNewService({ name: 'Gift Cards', storage: false, publicRoute: false })).toThrow(/not kebab-case/);
  });
});
