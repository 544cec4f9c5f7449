// The chat widget's flow, shared by the Node (jsdom) and the browser (Chromium) interop tests:
// amazon-connect-chatjs, unmodified, against a moto-connect-persistent server, the agent played
// by the server's seeding API. A classic script (not a module) so a page can load it too.
//   connect: the chatjs global; input: {region, endpoint, contactId, participantId,
//   participantToken}; seed(method, args): calls the seeding API; report(step, detail).
globalThis.chatFlow = async function chatFlow(connect, input, seed, report) {
  const STEP_TIMEOUT_MS = 10000;
  const seen = [];
  const waiters = [];
  function record(kind, data) {
    seen.push({ kind, data });
    for (const waiter of [...waiters]) {
      if (waiter.kind === kind && waiter.match(data)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(data);
      }
    }
  }
  function waitFor(kind, match = () => true) {
    const earlier = seen.find((event) => event.kind === kind && match(event.data));
    if (earlier) return Promise.resolve(earlier.data);
    return new Promise((resolve, reject) => {
      waiters.push({ kind, match, resolve });
      setTimeout(() => reject(new Error(`timed out waiting for ${kind}; seen: ${seen.map((e) => e.kind)}`)), STEP_TIMEOUT_MS);
    });
  }

  connect.ChatSession.setGlobalConfig({
    region: input.region,
    endpoint: input.endpoint,
    loggerConfig: { level: connect.ChatSession.LogLevel.ERROR },
  });
  const session = connect.ChatSession.create({
    chatDetails: {
      ContactId: input.contactId,
      ParticipantId: input.participantId,
      ParticipantToken: input.participantToken,
    },
    options: { region: input.region },
    type: connect.ChatSession.SessionTypes.CUSTOMER,
    disableCSM: true,
  });
  session.onMessage((event) => record("message", event.data));
  session.onTyping((event) => record("typing", event.data));
  session.onReadReceipt((event) => record("read", event.data));
  session.onChatRehydrated((event) => record("rehydrated", event.data));
  session.onEnded((event) => record("ended", event.data));

  const connected = await session.connect();
  if (!connected.connectSuccess) throw new Error(`connect failed: ${JSON.stringify(connected)}`);
  report("connected");

  const rehydrated = await waitFor("rehydrated");
  report("rehydrated", { contentType: rehydrated.ContentType });
  // What a widget does on onChatRehydrated: load the past with getTranscript's defaults,
  // then older pages through NextToken (the first page holds the current session only).
  const past = [];
  let request = {};
  for (let pages = 0; pages < 10; pages++) {
    const page = await session.getTranscript(request);
    past.push(...page.data.Transcript.filter((item) => item.RelatedContactId && item.Type === "MESSAGE"));
    if (!page.data.NextToken) break;
    request = { nextToken: page.data.NextToken };
  }
  report("past", { past: past.map((item) => item.Content) });

  await seed("add_message", { role: "AGENT", content: "Hi, I am Bo" });
  const agent = await waitFor("message", (data) => data.Content === "Hi, I am Bo");
  report("agent-message", { role: agent.ParticipantRole, contactId: agent.ContactId });

  await seed("add_event", { role: "AGENT", content_type: "application/vnd.amazonaws.connect.event.typing" });
  const typing = await waitFor("typing", (data) => data.ParticipantRole === "AGENT");
  report("agent-typing", { role: typing.ParticipantRole });

  const sent = await session.sendMessage({ contentType: "text/plain", message: "hello from chatjs" });
  const messageId = sent.data.Id;
  await waitFor("message", (data) => data.Id === messageId);
  report("sent", { id: messageId });

  await seed("add_event", {
    role: "AGENT",
    content_type: "application/vnd.amazonaws.connect.event.message.read",
    message_id: messageId,
  });
  const read = await waitFor("read", (data) => data.MessageMetadata && data.MessageMetadata.MessageId === messageId);
  report("read-receipt", { messageId: read.MessageMetadata.MessageId });

  await seed("end_session", {});
  await waitFor("ended");
  report("ended");
};
