"""Small books in the real layouts of public downloads, with invented text.

Built from the structure of Project Gutenberg plain texts (old and new header/footer, a wrapped
START marker, contents, list of illustrations, [Illustration] captions, the licence), a
collection of stories with roman-numeral sections (as The Adventures of Sherlock Holmes is laid
out), and an AO3 chapter with in-text author's notes. No one's story is copied.
"""

from __future__ import annotations

LICENCE = """
START: FULL LICENSE

THE FULL PROJECT GUTENBERG LICENSE
PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK

To protect the Project Gutenberg-tm mission of promoting the free
distribution of electronic works, by using or distributing this work
(or any other work associated in any way with the phrase "Project
Gutenberg"), you agree to comply with all the terms of the Full Project
Gutenberg-tm License available with this file or online at
www.gutenberg.org/license.

Section 1. General Terms of Use and Redistributing Project
Gutenberg-tm electronic works
"""

# The layout Project Gutenberg uses since 2021: "The Project Gutenberg eBook of", a START
# marker whose long title wraps onto a second line, the title page, a contents list of the
# stories, each story a title line above "I.", "II." sections.
COLLECTION_NEW = (
    """The Project Gutenberg eBook of The Casebook of Mr Quill, by Ada Penrose

This eBook is for the use of anyone anywhere in the United States and
most other parts of the world at no cost and with almost no restrictions
whatsoever.

Title: The Casebook of Mr Quill

Author: Ada Penrose

Release Date: March, 1999 [eBook #9999]
[Most recently updated: October 10, 2023]

Language: English


*** START OF THE PROJECT GUTENBERG EBOOK THE CASEBOOK OF MR
QUILL ***




The Casebook of Mr Quill

by Ada Penrose


Contents

   I.     The Lantern of Saint Bride
   II.    A Matter of Three Keys
   III.   The Quiet Lodger




I. THE LANTERN OF SAINT BRIDE


I.


Mr Quill set down his cup and looked at the rain for a long while
before he spoke to me of the lantern.

"It was lit," said he, "on a night when no one should have been in the
church at all."


II.


We went down to Saint Bride the next morning. The sexton met us at
the gate and would not meet my eye.

"I saw nothing," said the sexton.




II. A MATTER OF THREE KEYS


I.


There were three keys on the ring, and the lady swore that only two of
them had ever been used.

"The third," said Mr Quill, "is the one that matters."


II.


By evening the third lock had been found, behind the panelling of the
old study, and it opened on an empty room.


III.


"An empty room," said I, "tells us nothing."

"On the contrary," said he. "It tells us everything."




III. THE QUIET LODGER


I.


The lodger paid a month in advance, in gold, and was never heard to
speak above a whisper.


II.


When we broke the door at last we found the room swept clean and the
gold returned, every coin of it, on the mantel.




*** END OF THE PROJECT GUTENBERG EBOOK THE CASEBOOK OF MR QUILL ***
"""
    + LICENCE
)

# The layout of the 2000s: "The Project Gutenberg EBook of ...", "*** START OF THIS PROJECT
# GUTENBERG EBOOK ... ***", producers' credits, CONTENTS of "CHAPTER I. ..." entries, a list of
# illustrations, captions in the text, "CHAPTER THE LAST", then "End of the Project Gutenberg
# EBook of ..." before the END marker and the licence.
NOVEL_OLD = (
    """The Project Gutenberg EBook of The River Boy, by Tom Warden

This eBook is for the use of anyone anywhere at no cost and with
almost no restrictions whatsoever.  You may copy it, give it away or
re-use it under the terms of the Project Gutenberg License included
with this eBook or online at www.gutenberg.net


Title: The River Boy

Author: Tom Warden

Release Date: August 20, 2006 [EBook #9998]

Language: English


*** START OF THIS PROJECT GUTENBERG EBOOK THE RIVER BOY ***




Produced by Jane Doe and the Online Distributed Proofreading Team




THE RIVER BOY

By Tom Warden




CONTENTS.

CHAPTER I. The Raft.--Aunt May.--A Plan Made.

CHAPTER II. Down the River.--The Storm.

CHAPTER THE LAST. Home Again.




ILLUSTRATIONS.

The Raft
Aunt May at the Gate
The Storm on the River




CHAPTER I.

[Illustration: The Raft]

THE raft was Ned's own work, and he was proud of it. Aunt May said it
would sink before it reached the bend.

"It won't," said Ned.

[Illustration: Aunt May at the Gate
"Come home before dark!"]

She stood at the gate until he was out of sight.




CHAPTER II.

The storm came up at noon. Ned tied himself to the mast and sang to
keep his courage.

[Illustration: The Storm on the River]

By night the river was calm again.




CHAPTER THE LAST.

So Ned came home, and Aunt May said nothing at all, which was worse
than anything she could have said.

THE END.




End of the Project Gutenberg EBook of The River Boy, by Tom Warden

*** END OF THIS PROJECT GUTENBERG EBOOK THE RIVER BOY ***

***** This file should be named 9998.txt or 9998.zip *****
This and all associated files of various formats will be found in:
        http://www.gutenberg.org/9/9/9/9998/
"""
    + LICENCE
)

# The 1990s layout: the small print first, ending "*END*THE SMALL PRINT!...", the book, then
# "End of the Project Gutenberg Etext of ...". Chapters are "PART THE FIRST" etc.
NOVEL_1990S = """**The Project Gutenberg Etext of A Short Voyage, by R. Lee**

Copyright laws are changing all over the world, be sure to check
the copyright laws for your country before posting these files!!

**Welcome To The World of Free Plain Vanilla Electronic Texts**

**Etexts Readable By Both Humans and By Computers, Since 1971**

*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*




A SHORT VOYAGE

by R. Lee




PART THE FIRST

The ship left harbour on a grey morning, and the captain would not say
where she was bound.


PART THE SECOND

We reached the islands in a week, and there the captain told us all.




End of the Project Gutenberg Etext of A Short Voyage, by R. Lee
"""

# An AO3 chapter of a work in progress (Chapters: 3/?), with notes written into the text.
AO3_WIP = """<!DOCTYPE html>
<html><head><meta charset="UTF-8"/><title>Night Shift - quillwriter [Archive of Our Own]</title></head>
<body>
<div id="preface">
  <p class="message"><b>Night Shift</b><br/>
  Posted originally on the <a href="https://archiveofourown.org/">Archive of Our Own</a>
  at <a href="https://archiveofourown.org/works/1">https://archiveofourown.org/works/1</a>.</p>
  <div class="meta">
    <dl class="tags">
      <dt>Rating:</dt><dd><a href="t">General Audiences</a></dd>
      <dt>Fandom:</dt><dd><a href="t">Original Work</a></dd>
      <dt>Language:</dt><dd>English</dd>
      <dt>Stats:</dt><dd>Published: 2020-01-01 Updated: 2020-02-01 Words: 400 Chapters: 3/?</dd>
    </dl>
    <h1>Night Shift</h1>
    <div class="byline">by <a rel="author" href="u">quillwriter</a></div>
  </div>
</div>
<div id="chapters" class="userstuff">
  <div class="meta group"><h2 class="heading">Chapter 3: The Long Hour</h2></div>
  <div class="userstuff">
    <p>A/N: Sorry this took so long, exams ate my life!</p>
    <p>Disclaimer: I own nothing but the plot.</p>
    <p>* * *</p>
    <p>The hospital was quiet at three in the morning.</p>
    <p>"Anyone there?" Mira called. An author's note was pinned to the board, but she ignored it.</p>
    <p>Nobody answered.</p>
    <p>~~~</p>
    <p>Review replies:</p>
    <p>Guest: thank you so much!</p>
    <p>nightowl: yes, Mira will be back next week.</p>
  </div>
</div>
</body></html>
"""
