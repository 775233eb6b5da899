"""Checks every reader test applies: the span promises of dramatis.text.readers.structure."""

from __future__ import annotations

from itertools import pairwise

from dramatis.model import Story


def spoken_text(story: Story, start: int = 0, end: int | None = None) -> str:
    """The words that would be spoken in [start, end): hidden spans and breaks removed."""
    end = len(story.text) if end is None else end
    silent = sorted([*(h.span for h in story.hidden), *story.breaks])
    out, pos = [], start
    for a, b in silent:
        if b <= pos or a >= end:
            continue
        out.append(story.text[pos:a])
        pos = max(pos, b)
    if pos < end:
        out.append(story.text[pos:end])
    return " ".join(" ".join(out).split())


def check_spans(story: Story) -> None:
    """Chapters tile [first spoken char, len(text)); breaks and hidden spans are disjoint."""
    text = story.text
    assert story.chapters, "a story always has at least one chapter"
    assert [c.index for c in story.chapters] == list(range(1, len(story.chapters) + 1))
    for a, b in pairwise(story.chapters):
        assert a.end == b.start
        assert a.start < a.end
    assert story.chapters[-1].end == len(text)
    first = story.chapters[0].start
    assert text[first].strip(), "chapter 1 starts at a visible character"
    assert spoken_text(story, 0, first) == "", "nothing spoken before chapter 1"
    for chapter in story.chapters:
        if chapter.heading is not None:
            a, b = chapter.heading
            assert chapter.start <= a < b <= chapter.end
            assert text[a:b] == text[a:b].strip() and text[a:b]
    silent = sorted([*(h.span for h in story.hidden), *story.breaks])
    for (_, b1), (a2, _) in pairwise(silent):
        assert b1 <= a2, "breaks and hidden spans never overlap"
    for a, b in silent:
        assert 0 <= a < b <= len(text)


# An AO3 download, as AO3's templates (downloads/show.html.erb and its partials) write it.
AO3_PREFACE = """<div id="preface">
  <h2 class="toc-heading">Preface</h2>
  <p class="message">
    <b>The Long Way Home</b><br/>
    Posted originally on the <a href="https://archiveofourown.org/">Archive of Our Own</a>
    at <a href="https://archiveofourown.org/works/123">https://archiveofourown.org/works/123</a>.
  </p>
  <div class="meta">
    <dl class="tags">
      <dt>Rating:</dt>
      <dd><a href="t">Teen And Up Audiences</a></dd>
      <dt>Archive Warning:</dt>
      <dd><a href="t">No Archive Warnings Apply</a></dd>
      <dt>Fandom:</dt>
      <dd><a href="t">The 100 (TV)</a></dd>
      <dt>Relationship:</dt>
      <dd><a href="t">Clarke Griffin/Bellamy Blake</a></dd>
      <dt>Characters:</dt>
      <dd><a href="t">Clarke Griffin</a>, <a href="t">Bellamy Blake</a></dd>
      <dt>Additional Tags:</dt>
      <dd><a href="t">Angst</a>, <a href="t">Hurt/Comfort</a></dd>
      <dt>Language:</dt>
      <dd>English</dd>
      <dt>Series:</dt>
      <dd>Part 2 of <a href="s">Forest Days</a></dd>
      <dt>Stats:</dt>
      <dd>
        Published: 2015-03-01
        Completed: 2015-04-02
        Words: 1,234
        Chapters: 2/2
      </dd>
    </dl>
    <h1>The Long Way Home</h1>
    <div class="byline">by <a rel="author" href="u">writerperson</a></div>
    <p>Summary</p>
    <blockquote class="userstuff"><p>Bellamy goes looking for Clarke.</p></blockquote>
    <p>Notes</p>
    <blockquote class="userstuff"><p>Thanks to my beta reader!</p></blockquote>
    <div class="endnote-link">See the end of the work for more <a href="#endnotes">notes</a></div>
  </div>
</div>"""

AO3_CHAPTER_1 = """<div class="meta group">
    <h2 class="heading">Chapter 1: The Forest</h2>
    <p>Chapter Notes</p>
    <blockquote class="userstuff"><p>This one is short.</p></blockquote>
  </div>
  <div class="userstuff">
    <p>Bellamy walks into the <em>woods</em>.</p>
    <p>"Clarke?" he calls.<br/>Nobody answers.</p>
    <p>&nbsp;</p>
    <p align="center">* * *</p>
    <p>Night falls.</p>
  </div>"""

AO3_CHAPTER_2 = """<div class="meta group">
    <h2 class="heading">Chapter 2: Home</h2>
  </div>
  <div class="userstuff">
    <p>"I'm here," Clarke says.</p>
    <hr/>
    <p>They walk back together.</p>
  </div>
  <div class="meta" id="endnotes2">
    <p>Chapter End Notes</p>
    <blockquote class="userstuff"><p>Kudos are love.</p></blockquote>
  </div>"""

AO3_AFTERWORD = """<div id="afterword">
  <h2 class="toc-heading">Afterword</h2>
  <div class="meta">
    <div id="endnotes">
      <p>End Notes</p>
      <blockquote class="userstuff"><p>Thank you for reading!</p></blockquote>
    </div>
  </div>
  <p class="message">Please <a href="c">drop by the archive and comment</a> to let the
  author know if you enjoyed their work!</p>
</div>"""

AO3_HTML = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8"/>
<title>The Long Way Home - writerperson - The 100 (TV) [Archive of Our Own]</title>
</head>
<body>
{AO3_PREFACE}
<div id="chapters" class="userstuff">
  {AO3_CHAPTER_1}
  {AO3_CHAPTER_2}
</div>
{AO3_AFTERWORD}
</body>
</html>
"""

# What the listener hears from that work, notes left out.
AO3_SPOKEN = (
    'Chapter 1: The Forest Bellamy walks into the woods. "Clarke?" he calls. Nobody answers. '
    'Night falls. Chapter 2: Home "I\'m here," Clarke says. They walk back together.'
)
AO3_NOTES = [
    "Notes",
    "Thanks to my beta reader!",
    "Chapter Notes",
    "This one is short.",
    "Chapter End Notes",
    "Kudos are love.",
    "End Notes",
    "Thank you for reading!",
]


def check_ao3_story(story: Story) -> None:
    """The AO3 work above, read from HTML or EPUB."""
    check_spans(story)
    assert story.title == "The Long Way Home"
    assert story.author == "writerperson"
    assert [c.title for c in story.chapters] == ["Chapter 1: The Forest", "Chapter 2: Home"]
    assert [story.text[slice(*c.heading)] for c in story.chapters] == [
        "Chapter 1: The Forest",
        "Chapter 2: Home",
    ]
    assert spoken_text(story) == AO3_SPOKEN
    assert [story.text[h.start : h.end] for h in story.hidden] == AO3_NOTES
    assert {h.reason for h in story.hidden} == {"author's note"}
    assert [story.text[a:b] for a, b in story.breaks] == ["* * *", "* * *"]
    # Archive boilerplate is not in the text at all.
    for boiler in ("Posted originally", "drop by the archive", "See the end", "Teen And Up"):
        assert boiler not in story.text
    meta = story.meta
    assert meta["summary"] == "Bellamy goes looking for Clarke."
    assert meta["series"] == "Forest Days"
    assert meta["series_part"] == 2
    assert meta["language"] == "en"
    assert meta["fandom"] == "The 100 (TV)"
    assert meta["rating"] == "Teen And Up Audiences"
    assert meta["tags"] == ["Angst", "Hurt/Comfort"]
    assert meta["characters"] == ["Clarke Griffin", "Bellamy Blake"]
