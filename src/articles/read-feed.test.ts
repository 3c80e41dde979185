import { describe, expect, it } from 'vitest';
import { readFeed } from './read-feed.ts';

const rss = (item: string, ns = '') =>
  `<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/" ${ns}><channel><title>T</title><link>https://site.example/</link><item>${item}</item></channel></rss>`;

describe('readFeed: the summary when description is missing', () => {
  it('takes itunes:summary, then media:description, then content:encoded', () => {
    expect(readFeed(rss('<itunes:summary>From iTunes</itunes:summary><media:description>From media</media:description>'), undefined).items[0]!.summary).toEqual(
      { value: 'From iTunes', html: false },
    );
    expect(
      readFeed(rss('<media:description>From media</media:description><content:encoded>&lt;p&gt;Full&lt;/p&gt;</content:encoded>'), undefined).items[0]!.summary,
    ).toEqual({ value: 'From media', html: false });
    expect(readFeed(rss('<content:encoded><![CDATA[<p>Full</p>]]></content:encoded>'), undefined).items[0]!.summary).toEqual({
      value: '<p>Full</p>',
      html: true,
    });
    expect(readFeed(rss('<description>Short</description><content:encoded>Long</content:encoded>'), undefined).items[0]!.summary).toEqual({
      value: 'Short',
      html: true,
    });
  });
});

describe('readFeed: images', () => {
  it('reads media:thumbnail, image media:content (also in a group), an image enclosure and itunes:image, resolved', () => {
    const image = (item: string) => readFeed(rss(item), 'https://site.example/feed.xml').items[0]!.image;
    expect(image('<media:thumbnail url="/t.jpg"/>')).toBe('https://site.example/t.jpg');
    expect(image('<media:group><media:content url="https://cdn.example/g.jpg" medium="image"/></media:group>')).toBe('https://cdn.example/g.jpg');
    expect(
      image('<media:content url="https://cdn.example/v.mp4" medium="video"/><enclosure url="https://cdn.example/e.png" length="1" type="image/png"/>'),
    ).toBe('https://cdn.example/e.png');
    expect(image('<enclosure url="https://cdn.example/a.mp3" length="1" type="audio/mpeg"/><itunes:image href="https://cdn.example/cover.jpg"/>')).toBe(
      'https://cdn.example/cover.jpg',
    );
    expect(image('<enclosure url="https://cdn.example/a.mp3" length="1" type="audio/mpeg"/>')).toBeUndefined();
  });

  it('reads an Atom enclosure link of an image type and a JSON Feed image', () => {
    const atom =
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>a</id><entry><id>1</id><title>E</title><link href="https://a.example/1"/><link rel="enclosure" type="image/jpeg" href="https://a.example/1.jpg"/></entry></feed>';
    expect(readFeed(atom, undefined).items[0]!.image).toBe('https://a.example/1.jpg');
    const json = {
      version: 'https://jsonfeed.org/version/1.1',
      title: 'J',
      items: [{ id: '1', url: 'https://j.example/1', banner_image: 'https://j.example/b.jpg' }],
    };
    expect(readFeed(json, undefined).items[0]!.image).toBe('https://j.example/b.jpg');
  });
});

describe('readFeed: links and identity', () => {
  it('takes a permalink guid as the link, never one marked isPermaLink="false"', () => {
    expect(readFeed(rss('<guid>https://site.example/p/1</guid>'), undefined).items[0]).toMatchObject({
      link: 'https://site.example/p/1',
      id: 'https://site.example/p/1',
    });
    expect(readFeed(rss('<guid isPermaLink="false">https://site.example/p/1</guid>'), undefined).items[0]!.link).toBeUndefined();
  });

  it('keys the feed by its self link, its Atom id or its home page', () => {
    expect(
      readFeed(
        rss('<title>x</title>', 'xmlns:atom="http://www.w3.org/2005/Atom"').replace('<item>', '<atom:link rel="self" href="https://site.example/feed"/><item>'),
        undefined,
      ).key,
    ).toBe('https://site.example/feed');
    expect(readFeed(rss('<title>x</title>'), undefined).key).toBe('https://site.example/');
  });

  it('treats an Atom text title as text and an html one as markup', () => {
    const entry = (title: string) =>
      readFeed(`<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>a</id><entry><id>1</id>${title}</entry></feed>`, undefined).items[0]!.title;
    expect(entry('<title type="text">a &lt;b&gt; c</title>')).toEqual({ value: 'a <b> c', html: false });
    expect(entry('<title type="html">a &lt;b&gt;c&lt;/b&gt;</title>')).toEqual({ value: 'a <b>c</b>', html: true });
  });

  it('reads Atom with namespace prefixes, XHTML content in its own prefix included', () => {
    const feed = readFeed(
      '<a:feed xmlns:a="http://www.w3.org/2005/Atom" xmlns:h="http://www.w3.org/1999/xhtml"><a:title>P</a:title><a:id>urn:p</a:id><a:entry><a:title type="xhtml"><h:div>Pre <h:b>fixed</h:b></h:div></a:title><a:link href="https://p.example/1"/><a:id>1</a:id><a:updated>2026-11-18T10:00:00Z</a:updated><a:content type="xhtml"><h:div><h:p>One</h:p><h:p>Two</h:p></h:div></a:content></a:entry></a:feed>',
      undefined,
    );
    expect(feed).toMatchObject({ format: 'atom', key: 'urn:p', items: [{ link: 'https://p.example/1', id: '1', date: '2026-11-18T10:00:00Z' }] });
    expect(feed.items[0]!.title!.html).toBe(true);
    expect(feed.items[0]!.summary!.value).toMatch(/One.*Two/);
  });
});
