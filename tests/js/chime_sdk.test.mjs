// chimed with the AWS SDK for JavaScript v3 (@aws-sdk/client-chime), run by Node's test runner.
// tests/integration/test_auth_js.py starts the server and passes, in the environment:
//   CHIMED_ENDPOINT, CHIMED_KEY_ID / CHIMED_SECRET (allowed everything),
//   CHIMED_SCOPED_KEY_ID / CHIMED_SCOPED_SECRET (allowed only account CHIMED_SCOPED_ACCOUNT).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';

import {
  ChimeClient, CreateAccountCommand, CreateUserCommand, ForbiddenException, GetAccountCommand,
  GetUserCommand, ListAccountsCommand, ListUsersCommand, NotFoundException,
  ResetPersonalPINCommand, UnauthorizedClientException,
} from '@aws-sdk/client-chime';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const env = process.env;
const endpoint = env.CHIMED_ENDPOINT;
const root = { accessKeyId: env.CHIMED_KEY_ID, secretAccessKey: env.CHIMED_SECRET };
const scoped = { accessKeyId: env.CHIMED_SCOPED_KEY_ID, secretAccessKey: env.CHIMED_SCOPED_SECRET };

// A client; `mutate(request)` edits each request after it was signed.
function client(credentials, { systemClockOffset = 0, mutate = null, region = 'us-east-1' } = {}) {
  const inner = new NodeHttpHandler();
  const requestHandler = mutate
    ? { handle: (req, opts) => { mutate(req); return inner.handle(req, opts); },
        updateHttpClientConfig() {}, httpHandlerConfigs: () => ({}), destroy: () => inner.destroy() }
    : inner;
  return new ChimeClient({ endpoint, region, credentials, maxAttempts: 1, systemClockOffset,
                           requestHandler });
}

const unique = (p) => `${p}-${randomBytes(6).toString('hex')}`;
const SIGNATURE_MISMATCH = /signature we calculated does not match/;

async function rejectsWith(promise, ErrorClass, message) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof ErrorClass, `expected ${ErrorClass.name}, got ${err.name}: ${err.message}`);
    if (message) assert.match(err.message, message);
    return true;
  });
}

const admin = client(root);
const account = (await admin.send(new CreateAccountCommand({ Name: unique('js') }))).Account;
const user = (await admin.send(new CreateUserCommand({
  AccountId: account.AccountId, Email: `${unique('u')}@example.com`, Username: unique('u'),
}))).User;

test('valid keys run the core operations', async () => {
  const got = await admin.send(new GetAccountCommand({ AccountId: account.AccountId }));
  assert.equal(got.Account.AccountId, account.AccountId);
  const list = await admin.send(new ListAccountsCommand({}));
  assert.ok(list.Accounts.some((a) => a.AccountId === account.AccountId));
  const users = await admin.send(new ListUsersCommand({ AccountId: account.AccountId }));
  assert.ok(users.Users.some((u) => u.UserId === user.UserId));
  const reset = await admin.send(new ResetPersonalPINCommand({
    AccountId: account.AccountId, UserId: user.UserId }));
  assert.match(reset.User.PersonalPIN, /^\d{10}$/);
  const get = await admin.send(new GetUserCommand({ AccountId: account.AccountId, UserId: user.UserId }));
  assert.equal(get.User.PersonalPIN, reset.User.PersonalPIN);
});

test('a wrong secret and an unknown key are UnauthorizedClientException', async () => {
  const wrong = client({ ...root, secretAccessKey: root.secretAccessKey.split('').reverse().join('') });
  await rejectsWith(wrong.send(new GetAccountCommand({ AccountId: account.AccountId })),
    UnauthorizedClientException, SIGNATURE_MISMATCH);
  const unknown = client({ ...root, accessKeyId: 'AKIAUNKNOWNJSKEY0000' });
  await rejectsWith(unknown.send(new GetAccountCommand({ AccountId: account.AccountId })),
    UnauthorizedClientException, SIGNATURE_MISMATCH);
});

test('a clock 301 s off either way is UnauthorizedClientException', async () => {
  // X-Amz-Date has whole seconds: a +301 s clock is aligned to the next second so that the
  // signed time is at least 301 s ahead when the server compares (a plain +301000 ms can
  // truncate to 300.x s and pass, correctly, within the 5 minutes).
  const ahead = () => 301000 + (1000 - (Date.now() % 1000));
  for (const [offset, message] of [[() => -301000, /Signature expired/], [ahead, /not yet current/]]) {
    const skewed = client(root, { systemClockOffset: offset() });
    await rejectsWith(skewed.send(new GetAccountCommand({ AccountId: account.AccountId })),
      UnauthorizedClientException, message);
  }
  await client(root, { systemClockOffset: 290000 }).send(
    new GetAccountCommand({ AccountId: account.AccountId }));
});

test('a tampered body is UnauthorizedClientException and creates nothing', async () => {
  const name = unique('honest');
  const tamper = client(root, { mutate: (req) => {
    req.body = Buffer.from(req.body).toString('utf8').replace('honest', 'forged');
  } });
  await rejectsWith(tamper.send(new CreateAccountCommand({ Name: name })), UnauthorizedClientException);
  const list = await admin.send(new ListAccountsCommand({ Name: name.replace('honest', 'forged') }));
  assert.equal(list.Accounts.length, 0);
});

test('a request replayed on another path is UnauthorizedClientException', async () => {
  const other = (await admin.send(new CreateUserCommand({
    AccountId: account.AccountId, Email: `${unique('o')}@example.com`, Username: unique('o'),
  }))).User;
  const replay = client(root, { mutate: (req) => { req.path = req.path.replace(user.UserId, other.UserId); } });
  await rejectsWith(replay.send(new ResetPersonalPINCommand({
    AccountId: account.AccountId, UserId: user.UserId })), UnauthorizedClientException, SIGNATURE_MISMATCH);
});

test('ids with spaces, %, /, ~, + and UTF-8 verify and answer NotFound', async () => {
  for (const id of ['a b', '100%', 'a/b', 'til~de', 'plus+sign', 'ünï ©ødé', 'x y/z%~+é']) {
    await rejectsWith(admin.send(new GetAccountCommand({ AccountId: id })), NotFoundException);
    await rejectsWith(admin.send(new GetUserCommand({ AccountId: account.AccountId, UserId: id })),
      NotFoundException);
  }
});

test('a key scoped to one account is ForbiddenException elsewhere', async () => {
  const c = client(scoped);
  const own = await c.send(new GetAccountCommand({ AccountId: env.CHIMED_SCOPED_ACCOUNT }));
  assert.equal(own.Account.AccountId, env.CHIMED_SCOPED_ACCOUNT);
  await rejectsWith(c.send(new GetAccountCommand({ AccountId: account.AccountId })), ForbiddenException);
  await rejectsWith(c.send(new ResetPersonalPINCommand({
    AccountId: account.AccountId, UserId: user.UserId })), ForbiddenException);
  await rejectsWith(c.send(new CreateAccountCommand({ Name: unique('nope') })), ForbiddenException);
  const list = await c.send(new ListAccountsCommand({}));
  assert.deepEqual(list.Accounts.map((a) => a.AccountId), [env.CHIMED_SCOPED_ACCOUNT]);
});
