import { expiryWithinRecertification } from '../../../../controller/plan/rules/expiry';
import { MEMBER } from '../../../helpers/desired';
import { grantStep, ruleContext } from '../../../helpers/rule-context';

describe('expiryWithinRecertification', () => {
  test.each([
    ['within the maximum', '2026-12-20', { [MEMBER]: 30 }, []],
    ['beyond it', '2027-01-30', { [MEMBER]: 30 }, ['expiry-beyond-recertification']],
    ['no maximum for the role', '2099-01-01', {}, []],
    ['already past (removed, not granted)', '2026-11-01', { [MEMBER]: 30 }, []],
  ])('%s', (_name, expiryDate, recertification, expected) => {
    const step = grantStep('carol', MEMBER);
    const ctx = ruleContext({ steps: [{ ...step, grant: { ...step.grant, expiryDate } }], recertification });
    expect(expiryWithinRecertification(ctx).map((f) => f.rule)).toEqual(expected);
  });
});
