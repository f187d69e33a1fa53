import { useState } from "react";

export function Chat() {
  const [reply, setReply] = useState("");
  const ask = async (question: string) => {
    const res = await fetch(`https://qpwoeirutyalskdjfhgz.supabase.co/functions/v1/chat?q=${encodeURIComponent(question)}`, {
      headers: { apikey: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFwd29laXJ1dHlhbHNrZGpmaGd6Iiwicm9sZSI6ImFub24iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6MjA1MTI2NTYwMH0.xa_xF3PXXPGnCc0rIiXFKonteoAP0fdXRM-do7U_WTM", Authorization: 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFwd29laXJ1dHlhbHNrZGpmaGd6Iiwicm9sZSI6ImFub24iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6MjA1MTI2NTYwMH0.xa_xF3PXXPGnCc0rIiXFKonteoAP0fdXRM-do7U_WTM' },
    });
    setReply(await res.text());
  };
  return (
    <section>
      <img src="https://qpwoeirutyalskdjfhgz.supabase.co/storage/v1/object/public/avatars/bot.png" alt="" />
      <button onClick={() => ask("hello")}>Ask</button>
      <p>{reply}</p>
    </section>
  );
}
