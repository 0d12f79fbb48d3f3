import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { startSmtpServer } from '../../support/smtp.js';

describe('the loopback SMTP test server', () => {
  it('listens on loopback only, counts connections and lets a test wait for the messages', async () => {
    const smtp = await startSmtpServer();
    const client = nodemailer.createTransport({ url: smtp.url, tls: { ca: smtp.ca } });
    try {
      expect(smtp.url).toBe(`smtp://127.0.0.1:${smtp.port}`);
      const waiting = smtp.waitFor(2, 2_000);
      await client.sendMail({ from: 'a@p.example', to: 'b@p.example', subject: 'one', text: 'x' });
      await client.sendMail({ from: 'a@p.example', to: 'b@p.example', subject: 'two', text: 'x' });
      await waiting;
      expect(smtp.received.map((m) => m.subject)).toEqual(['one', 'two']);
      expect(smtp.connections).toBe(2);
      await expect(smtp.waitFor(3, 50)).rejects.toThrow('received 2');
    } finally {
      client.close();
      await smtp.close();
    }
  });
});
