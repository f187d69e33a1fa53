import { createClientFromRequest } from 'npm:@base44/sdk@0.8.3';

Deno.serve(async (req) => {
  try {
    const base44 = createClientFromRequest(req);
    const user = await base44.auth.me();
    if (!user) {
      return Response.json({ error: 'Unauthorized' }, { status: 401 });
    }

    const open = await base44.asServiceRole.entities.Task.filter({ done: false }, '-due_at', 50);
    const mine = open.filter((t) => t.created_by === user.email);

    await base44.integrations.Core.SendEmail({
      to: user.email,
      subject: `You have ${mine.length} open tasks`,
      body: mine.map((t) => `- ${t.title}`).join('\n'),
    });

    return Response.json({ sent: true, count: mine.length });
  } catch (error) {
    return Response.json({ error: error.message }, { status: 500 });
  }
});
