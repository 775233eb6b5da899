# ruff: noqa: SIM905  (word lists read best as one string each)
"""Word lists the attributor needs: speech verbs, honorifics, pronouns, nicknames, first names.

Hand-written general English knowledge (no list was taken from the evaluation corpus), kept
in one place so other novels' needs can be added without touching the logic.
"""

from __future__ import annotations

import re

from dramatis.model import Gender

# Speech verbs by stem; endings are added by the regex below (say/says/said/saying...).
_REGULAR = """
acknowledge add address admonish advise agree announce answer apologise apologize argue ask assent assure
babble bark bawl beam beckon beg bellow blurt bluster boast boom breathe call caution chant
chatter chirp chime chide chorus chuckle claim command comfort comment complain concede conclude confess
confide confirm congratulate consent corroborate console continue correct cough counter croak croon cry
declare decide demand deny drawl echo ejaculate entreat enquire exclaim explain expostulate
falter flash fret fume gasp gibber giggle grin groan growl grumble grunt guess gurgle gush hazard
hesitate hiss hint holler
howl hum implore inform inquire insist instruct interject interpose interrupt jeer jest joke
lament laugh lecture lie lisp mention moan mock mourn mumble murmur muse mutter nag note object
observe offer order pant persist pipe plead pout pray proceed proclaim promise pronounce propose
protest puff pursue purr quaver query question quip quote rage rant rasp reason rebuke recall reflect
reiterate rejoin remark remind remonstrate repeat reply report reprove respond resume retort return
reveal roar
rumble sass scoff scold scream screech shout shriek shrill sigh simper sing smile smirk snap
snarl sneer sneeze snicker sniff sniffle snort sob splutter sputter squeak squeal stammer state
stipulate storm stutter subjoin suggest summon supplement suppose surmise swear taunt tease thunder
titter trill urge utter vent venture volunteer vow wail warn weep whimper whine whisper wonder yawn
yell yelp
""".split()
_IRREGULAR = """
said say says saying tell tells told telling began begin begins beginning spoke speak speaks
speaking cried cries crying replied replies replying went goes going broke breaks put puts
struck strikes thought thinks wrote writes called breaths shot quoth admit admits admitted
admitting assert asserts asserted asserting submit submits submitted
""".split()


def _verb_forms() -> list[str]:
    forms: set[str] = set(_IRREGULAR)
    for v in _REGULAR:
        stem = v[:-1] if v.endswith("e") else v
        forms.update({v, v + "s", v + "d" if v.endswith("e") else v + "ed", stem + "ing"})
        if v.endswith("y") and v[-2] not in "aeiou":
            forms.update({v[:-1] + "ies", v[:-1] + "ied"})
        if v.endswith(("sh", "ch", "ss", "x", "o")):
            forms.add(v + "es")
        if re.fullmatch(r".*[^aeiou][aeiou][pgtbnd]", v) and len(v) <= 4:
            forms.update({v + v[-1] + "ed", v + v[-1] + "ing"})  # snap -> snapped
    return sorted(forms, key=len, reverse=True)


SPEECH_VERBS = frozenset(_verb_forms())
# "went on", "broke in", "put in": the particle is required for these.
PARTICLE_VERBS = {
    "went": "on",
    "goes": "on",
    "going": "on",
    "broke": "in",
    "breaks": "in",
    "put": "in",
    "puts": "in",
    "struck": "in",
    "strikes": "in",
    "shot": "back",
}
SPEECH_VERB_RE = r"(?:" + "|".join(sorted(SPEECH_VERBS, key=len, reverse=True)) + r")"

MALE_TITLES = frozenset(
    "Mr Mister Sir Lord Master Monsieur Herr Senor Signor Don Father Brother Uncle King Prince "
    "Duke Earl Count Baron Colonel Captain Major General Lieutenant Sergeant Admiral Reverend "
    "Rev Mister Mast".split()
)
FEMALE_TITLES = frozenset(
    "Mrs Miss Ms Lady Madam Madame Mme Mlle Mademoiselle Dame Mother Sister Aunt Queen Princess "
    "Duchess Countess Baroness Senora Signora Mistress".split()
)
NEUTRAL_TITLES = frozenset("Dr Doctor Professor Prof Judge Inspector Officer Nurse".split())
TITLES = MALE_TITLES | FEMALE_TITLES | NEUTRAL_TITLES

# Common English first names with a clear gender (general knowledge; a fallback when
# pronouns around a name are too few to decide).
FEMALE_NAMES = frozenset(
    """Abigail Ada Adela Agatha Agnes Alice Amelia Amy Ann Anna Anne Annie Arabella Augusta
    Barbara Beatrice Becky Bella Bertha Bess Bessie Betsy Betty Caroline Catherine Cecilia
    Cecily Charlotte Clara Clarissa Cora Daisy Diana Dinah Dora Dorothy Edith Eleanor
    Elinor Eliza Elizabeth Ella Ellen Elsie Emily Emma Esther Ethel Eva Eve Fanny Flora Florence
    Frances Georgiana Georgina Gertrude Grace Hannah Harriet Helen Henrietta Hester Isabel
    Isabella Jane Janet Jenny Jessie Joan Josephine Josie Judith Julia Juliet Kate Katherine
    Kathleen Kitty Laura Lily Lizzie Lizzy Louisa Louise Lucy Lydia Mabel Margaret Maria
    Marian Marianne Martha Mary Matilda Maud May Meg Minnie Molly Nancy Nell Nellie
    Octavia Olivia Penelope Phoebe Polly Priscilla Rachel Rebecca Rose Ruth Sally Sarah Sophia
    Sophie Susan Susannah Sybil Victoria Violet Winifred""".split()
)
MALE_NAMES = frozenset(
    """Adam Albert Alexander Alfred Andrew Anthony Archibald Arthur Benjamin Bill Bob
    Charles Charley Charlie Christopher Daniel David Dick Edgar Edmund Edward Edwin Francis
    Frank Frederick Fred George Gilbert Harry Henry Herbert Hugh Isaac Jack Jacob James Jasper
    Jem Jim Jo John Jonathan Joseph Josiah Lawrence Louis Mark Martin Matthew Michael
    Nathaniel Ned Nicholas Oliver Patrick Paul Peter Philip Ralph Richard Robert Roger Samuel
    Sam Simon Stephen Thomas Tim Timothy Tom Walter William Will Finn Jasper""".split()
)

# Diminutives: nickname -> formal first name.
NICKNAMES = {
    "Lizzy": "Elizabeth",
    "Lizzie": "Elizabeth",
    "Eliza": "Elizabeth",
    "Beth": "Elizabeth",
    "Betsy": "Elizabeth",
    "Bess": "Elizabeth",
    "Bessie": "Elizabeth",
    "Liz": "Elizabeth",
    "Kitty": "Catherine",
    "Kate": "Catherine",
    "Katie": "Catherine",
    "Cathy": "Catherine",
    "Jenny": "Jane",
    "Jinny": "Jane",
    "Polly": "Mary",
    "Molly": "Mary",
    "Mamie": "Mary",
    "Meg": "Margaret",
    "Maggie": "Margaret",
    "Peggy": "Margaret",
    "Nell": "Eleanor",
    "Nelly": "Eleanor",
    "Fanny": "Frances",
    "Sally": "Sarah",
    "Sukey": "Susan",
    "Sue": "Susan",
    "Annie": "Anne",
    "Nan": "Anne",
    "Nancy": "Anne",
    "Josie": "Josephine",
    "Lucy": "Lucille",
    "Dick": "Richard",
    "Rick": "Richard",
    "Bob": "Robert",
    "Bobby": "Robert",
    "Rob": "Robert",
    "Bill": "William",
    "Billy": "William",
    "Will": "William",
    "Willy": "William",
    "Tom": "Thomas",
    "Tommy": "Thomas",
    "Jack": "John",
    "Johnny": "John",
    "Jim": "James",
    "Jimmy": "James",
    "Jem": "James",
    "Ned": "Edward",
    "Ted": "Edward",
    "Teddy": "Edward",
    "Harry": "Henry",
    "Hal": "Henry",
    "Charley": "Charles",
    "Charlie": "Charles",
    "Fred": "Frederick",
    "Freddy": "Frederick",
    "Sam": "Samuel",
    "Gil": "Gilbert",
    "Joe": "Joseph",
    "Ben": "Benjamin",
    "Tony": "Anthony",
    "Nick": "Nicholas",
    "Matt": "Matthew",
    "Dolly": "Dorothy",
    "Dora": "Dorothy",
    "Gussie": "Augusta",
    "Tilly": "Matilda",
    "Loo": "Louisa",
    "Lou": "Louisa",
    "Lottie": "Charlotte",
    "Lotty": "Charlotte",
    "Nora": "Eleanor",
    "Patty": "Martha",
    "Mattie": "Martha",
    "Sophy": "Sophia",
    "Becky": "Rebecca",
    "Gus": "Augustus",
    "Andy": "Andrew",
    "Davy": "David",
    "Walt": "Walter",
    "Nat": "Nathaniel",
    "Abby": "Abigail",
}

# Capitalised words that are never a character's name on their own.
STOP_NAMES = frozenset(
    """I A An The This That These Those There Then Than Thus Though Through Till Until Upon
    He She It We You They Me Him Her Us Them My His Its Our Your Their Mine Yours Hers Ours
    Theirs Who Whom Whose What Which When Where Why How Whatever Whoever Yes No Not Nay Aye Oh
    Ah O Alas Well Now And But Or Nor For Yet So If As At By In Into On Of Off Out Over To Too
    Up With Without Within After Before Since While Because Although Though Unless Whether
    Mr Mrs Miss Ms Dr Sir Lady Lord Madam Madame Monsieur Master Mistress Captain Colonel
    One Two Three Four Five Six Seven Eight Nine Ten First Second Third Last Next Every Each
    All Any Some Such Both Either Neither Many Much More Most Few Little Only Own Same Very
    Here Hence Do Does Did Done Have Has Had Be Been Being Am Is Are Was Were Will Would Shall
    Should Can Could May Might Must Let Please Thank Thanks Good God Lord Heaven Heavens
    Christ Jesus Chapter Book Part Volume Mamma Mama Papa Pa Ma Father Mother Uncle Aunt Sister
    Brother Sir Dear Pray Indeed Perhaps Nothing Something Anything Everything Nobody Somebody
    Anybody Everybody Everyone Someone Anyone None Monday Tuesday Wednesday Thursday Friday
    Saturday Sunday January February March April June July August September October November
    December Christmas Easter English French German Italian American Scotch Irish London Paris
    Street Road Lane Square Hall House Park Church College School Hotel Inn Mount Miss Mrs
    Don Don't Never Ever Always Again Even Just Still Also Really Quite Rather Sure Certainly
    Look See Come Go Get Tell Say Said Ask Oh Hush Hullo Hello Goodbye Why Hark Nonsense
    Fool Dear Darling Ha Hm Hum Eh Pooh Bah Pshaw Chapter CHAPTER Ay Ugh Hey Hi Okay OK Fine
    Mister Old Young Poor Great Little Big New Esq""".split()
)

# People nouns too general to stand for one listed "A Man" once the story says "the man".
GENERIC_PEOPLE = frozenset(
    """man woman men women girl boy child lady gentleman person people voice fellow
    servant maid youth other one""".split()
)

# Speech verbs only when inverted: '"Yes," nodded the doctor' tags a line, 'You nod.' is a
# reply without words.
INVERTED_ONLY = frozenset(("nods", "nodded"))
# Verbs whose following name is the listener: '"...," addressing Sissy', 'told Jane, "..."'.
OBJECT_VERBS = frozenset(
    "address addressed addresses tell tells told inform informs informed remind reminds "
    "reminded".split()
)
# Words after which a name opens a clause, so is likely its subject ("and Lydia exclaimed").
CLAUSE_OPENERS = frozenset(
    "and but then when whenever while as till until so that where whereupon now yet or if "
    "though although because since once after before last length did afterwards presently "
    "suddenly meanwhile".split()
)
# Words that are not an adjective before a name ("said to Anne" is not "said skeptical Anne").
NOT_ADJ = frozenset(
    "to in at with for of by on from and but or so as he she it they we his her its their my "
    "your our this that these those there then with without into upon after before when who "
    "which what all both each some any no not".split()
)

# Nouns for people of one sex, to voice a described speaker ("the landlady", "the barman").
FEMALE_NOUNS = frozenset(
    """woman lady girl queen duchess princess countess mother aunt sister daughter wife widow
    landlady housekeeper maid housemaid nurse governess cook matron nun hostess waitress
    mistress grandmother""".split()
)
MALE_NOUNS = frozenset(
    """man gentleman boy king duke prince count earl lord father uncle brother son husband
    landlord barman waiter butler footman coachman cabman policeman constable sergeant
    inspector captain colonel major general admiral vicar parson clergyman priest monk squire
    sailor mariner soldier doctor professor master schoolmaster innkeeper porter groom
    shepherd farmer blacksmith grandfather""".split()
)

# A person described by sex and age ("said the young girl"): resolved like he/she.
DESCRIBED_PEOPLE = {
    **dict.fromkeys("girl lady woman damsel lass signorina maiden".split(), "she"),
    **dict.fromkeys("man gentleman boy lad youth fellow".split(), "he"),
}
# A person described by a relation ("retorted her father"): their sex, or "any".
RELATIONS = {
    **dict.fromkeys("mother sister daughter wife lady aunt niece hostess mistress".split(), "she"),
    **dict.fromkeys("father brother son husband uncle nephew host master".split(), "he"),
    **dict.fromkeys("friend companion cousin guest visitor interlocutor".split(), "any"),
}

PLACE_PREPOSITIONS = frozenset("in at to from into near towards toward through via of".split())

# Speakers the story does not name ('said some one', 'whispered one of the girls', 'cried
# the others in chorus').  Their lines get an extra's voice: never a named character's.
SOMEONE, A_MAN, A_WOMAN, CROWD = "Someone", "A man", "A woman", "Crowd"
EXTRAS: dict[str, Gender] = {SOMEONE: "unknown", A_MAN: "male", A_WOMAN: "female", CROWD: "unknown"}
# "one of the <noun>": the extra of that sex
FEMALE_PLURALS = frozenset(
    "girls women ladies sisters daughters maids maidens nuns wives aunts mothers".split()
)
MALE_PLURALS = frozenset(
    """men boys gentlemen brothers sons fellows lads policemen constables soldiers sailors
    jurymen officers workmen labourers laborers guards fathers uncles husbands""".split()
)
# "said the children", "cried the company": a group speaking as one
GROUP_NOUNS = frozenset(
    """crowd chorus company party mob multitude audience spectators onlookers villagers
    children girls boys men women ladies gentlemen people jury guests servants soldiers
    policemen sailors workmen twins""".split()
)
