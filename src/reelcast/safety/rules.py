# ruff: noqa: E501
"""Curated phrase rules per category, matched on the normalised words of a prompt."""

from __future__ import annotations

import re
from dataclasses import dataclass


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


# Harmless phrases that contain a flagged word; removed before the rules run.
BENIGN_PHRASES = _rx(
    r"naked eye", r"naked flame", r"nude (?:colou?r|tones?|palette|lipstick|heels|shade|beige)",
    r"minor (?:key|chord|scale|league|details?|injur(?:y|ies)|changes?|role|character|planet)",
    r"suicide (?:squeeze|doors?|king|run)", r"killer (?:app|whale|whales|view|feature|serve|smile)",
    r"kill (?:the )?(?:lights?|engine|switch|time|the music)", r"shoot (?:a|the) (?:basketball|ball|hoop|hoops|film|movie|scene|video|photo|photos|picture|pictures|arrow|breeze)",
    r"photo ?shoot", r"(?:no|without|zero) (?:gore|blood|nudity)", r"shoot(?:ing)? (?:hoops|star|stars)", r"shooting stars?", r"blood orange", r"blood moon",
    r"bloodhound", r"sex of (?:the|a) (?:puppy|kitten|chick|animal|baby)", r"strip (?:mall|club sign|of (?:land|light|film|paper|tape))",
    r"comic strip", r"film strip", r"drag race", r"gun ?metal", r"glue gun", r"nail gun", r"water ?gun", r"staple gun",
    r"bath bomb", r"photo ?bomb", r"bomb(?:ed|s)? (?:the|a) (?:test|exam)", r"cherry bomb", r"(?:tackle|kick|hit|punch) (?:the|a) (?:ball|bag|pad|dummy)",
)

MINOR = (r"child(?:ren)?|kids?|kiddie|minors?|under ?age(?:d)?|preteens?|pre teens?|tweens?|teens?|teenagers?|"
         r"teenaged?|schoolgirls?|schoolboys?|school girls?|school boys?|little (?:girl|boy)s?|young (?:girl|boy)s?|"
         r"toddlers?|infants?|bab(?:y|ies)|loli|lolita|shota|jailbait|(?:1[0-7]|[1-9]) ?(?:years? ?old|yo|yr old)|"
         r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
         r"seventeen) years? old|middle schooler|high schooler|girl scouts?|boy scouts?|pupils?|students? in (?:grade|year) \d")
MINOR_RX = _rx(MINOR)

SEXUAL_CORE = (r"nude|nudes|naked|nudity|topless|bottomless|porn\w*|xxx|sex|sexual(?:ly)?|intercourse|orgasm\w*|"
               r"masturbat\w*|erotic\w*|genitals?|genitalia|penis|penises|vaginas?|vulvas?|nipples?|boobs?|tits|"
               r"titties|breasts? exposed|exposed breasts?|blow ?jobs?|hand ?jobs?|fellatio|cunnilingus|"
               r"strip ?tease|stripping|stripper|undress\w*|fetish\w*|bdsm|hentai|nsfw|onlyfans|explicit|lewd|"
               r"no clothes|without (?:any )?clothes|unclothed|in the buff|horny|cum|cumshot|creampie|milf|"
               r"take off (?:her|his|their|all) clothes|takes off (?:her|his|their|all) clothes|"
               r"camel ?toe|upskirt|sexting|rule 34|lingerie model|spread (?:her|his) legs|deepthroat\w*|"
               r"gangbang\w*|threesome|thong|orgy|orgies|dildo\w*|vibrator|aroused|arousal|smut\w*")
SEXUAL_RX = _rx(SEXUAL_CORE)
# Words that only make a prompt sexual next to a minor (a "sexy" adult is left to the semantic layer).
SUGGESTIVE_RX = _rx(SEXUAL_CORE, r"sexy|seductive\w*|sensual\w*|lingerie|provocative\w*|flirt\w*|kinky|"
                                 r"make ?out|making out|in bed with|bedroom eyes|lap ?dance|pin ?up|suggestive\w*|"
                                 r"skimpy|kiss\w* on the lips|date with an adult|"
                                 r"touch(?:ing|es|ed)? (?:her|him|them) inappropriately|grooming|groom")
ALWAYS_MINORS_RX = _rx(r"pedo\w*|paedo\w*|loli(?:con)?|shotacon|jailbait|child porn\w*|kiddie porn|cp video|"
                       r"underage (?:sex|porn|nude)\w*")

RULES: dict[str, re.Pattern[str]] = {
    "sexual": SEXUAL_RX,
    "violence": _rx(
        r"gore|gory|gorefest|decapitat\w*|dismember\w*|disembowel\w*|behead\w*|mutilat\w*|eviscerat\w*|"
        r"blood (?:spray\w*|splatter\w*|gush\w*|soaked|everywhere|pool\w*|bath)|bloodbath|bloody (?:corpse|massacre|mess)|"
        r"guts (?:spill\w*|hanging|out)|spill(?:ing|s)? (?:his|her|their) guts|entrails|intestines? (?:out|spill\w*)|"
        r"severed (?:head|heads|limbs?|arms?|legs?|fingers?)|tortur\w*|flay\w*|skinned alive|burned alive|burnt alive|"
        r"brains? (?:blown|splatter\w*|out)|blow(?:s|ing)? (?:his|her|their) brains|head explod\w*|exploding heads?|"
        r"impal\w*|massacre\w*|slaughter(?:s|ed|ing)? (?:the |a |his |her |their )?(?:people|family|villagers|civilians|"
        r"children|kids|crowd|students|hostages)|rip(?:s|ped|ping)? (?:his|her|their|the) (?:face|heart|throat|head) (?:off|out)|"
        r"slit(?:s|ting)? (?:his|her|their|the victims?) throats?|stab(?:s|bed|bing)? (?:him|her|them|the victim|a man|a woman|a person|someone)"
        r"(?: \w+){0,3} (?:times|repeatedly|to death)|beat(?:s|en|ing)? (?:him|her|them|a man|a woman|someone|a homeless man) to death|"
        r"beaten to death|throats? (?:slit|cut)|snuff film|corpses? (?:rotting|mutilated)|rotting corpses?|execution video|executed on camera"),
    "self_harm": _rx(
        r"suicid\w*|kill(?:s|ing)? (?:myself|himself|herself|themselves|yourself)|killed (?:himself|herself|themselves)|"
        r"self ?harm\w*|self ?injur\w*|cut(?:s|ting)? (?:my|his|her|their) (?:wrists?|arms?|thighs?)|"
        r"slit(?:s|ting)? (?:my|his|her|their) wrists?|hang(?:s|ing)? (?:myself|himself|herself|themselves)|"
        r"overdos\w*|end (?:my|his|her|their) (?:own )?life|ends (?:my|his|her|their) (?:own )?life|"
        r"want(?:s)? to die|wanting to die|pro ?ana|thinspo\w*|starv(?:e|es|ing) (?:myself|herself|himself|themselves)|"
        r"jump(?:s|ing)? (?:off|from) (?:a|the) (?:bridge|roof|building|cliff) to (?:die|end)|purging after eating|"
        r"razor blades? on (?:her|his|my) (?:wrist|arm|skin)"),
    "hate": _rx(
        r"nigg\w*|kikes?|spics?|chinks?|wetbacks?|faggots?|fags|trann(?:y|ies)|retards?|gooks?|towel ?heads?|"
        r"raghead\w*|sand ?niggers?|coons?|beaners?|kaffir\w*|untermensch|subhumans?|sub human|"
        r"white (?:power|supremac\w*|pride worldwide)|master race|racial purity|race war|ethnic cleansing|"
        r"gas the \w+|(?:exterminat\w*|eradicat\w*|genocide of) (?:the |all )?(?:jews|muslims|blacks|gays|immigrants|"
        r"christians|arabs|mexicans|asians|roma|gypsies|trans people|women|refugees)|"
        r"(?:jews|muslims|blacks|gays|immigrants|christians|arabs|mexicans|asians|roma|gypsies|trans people|women|"
        r"refugees|africans|hindus|whites|jewish people|black people) (?:are|r) (?:vermin|animals|subhuman|parasites|"
        r"inferior|rats|cockroaches|a disease|filth|not human|evil)|"
        r"(?:jews|muslims|blacks|gays|immigrants|mexicans|asians|arabs|refugees|black people|jewish people) "
        r"(?:should|must|deserve to) (?:die|be killed|be exterminated|be gassed|burn|hang)|"
        r"death to (?:all )?(?:jews|muslims|blacks|gays|immigrants|christians|arabs|infidels|americans|whites)|"
        r"holocaust (?:never happened|was a hoax|denial)|(?:mock\w*|making fun of) (?:a )?(?:disabled|jewish|black|muslim|gay|trans)"),
    "extremism": _rx(
        r"isis|isil|al ?qaeda|al ?shabaab|boko haram|hamas fighters? (?:celebrat\w*|glorif\w*)|heil hitler|sieg heil|"
        r"nazi (?:propaganda|rally recruitment|recruitment)|neo ?nazi\w*|jihad(?:i|ist)?s? (?:recruit\w*|propaganda|attack)|"
        r"terror(?:ist)? (?:attack|recruitment|propaganda|training)|suicide (?:bomb\w*|vest)|car bomb\w*|truck attack|"
        r"mass shoot\w*|school shoot\w*|shoot(?:s|ing)? up (?:a|the|my) (?:school|church|mosque|synagogue|mall|office|concert)|"
        r"bomb(?:s|ing)? (?:a|the) (?:crowd|school|church|mosque|synagogue|mall|subway|stadium|parade|concert)|"
        r"martyrdom (?:video|operation)|lone wolf attack|glorif\w* (?:terror\w*|the shooter|the attack|the bomber)|"
        r"manifesto of the shooter|christchurch shooter|unabomber manifesto|behead\w* hostages?|hostage execution|"
        r"kkk (?:rally|recruitment)|ku klux klan|burning cross rally|recruit(?:ing|ment)? (?:for|into) (?:a |the )?(?:militia|jihad|caliphate|terror\w*)|"
        r"caliphate (?:propaganda|recruitment)|ethnostate|accelerationis\w*|day of the rope"),
    "harassment": _rx(
        r"dox\w*|home address of|stalk(?:s|ing)? (?:my|her|him|his)|humiliat\w* (?:my|her|him|his|this|the) "
        r"(?:classmate|coworker|co worker|neighbou?r|ex|teacher|boss|sister|brother|friend|girl|boy|kid)|"
        r"make fun of (?:my|her|his|this|the) (?:classmate|coworker|neighbou?r|ex|teacher|boss|friend|weight|face|disability)|"
        r"kys|go kill yourself|nobody (?:likes|loves) you|(?:she|he|you) (?:is|are|s|re) (?:a )?(?:worthless|ugly|fat|disgusting|stupid) "
        r"(?:pig|cow|loser|whore|slut|bitch|freak|idiot)|slut ?sham\w*|revenge porn|"
        r"(?:bully|bullying|bullies|bullied) (?:my|a|the|her|him|this) (?:classmate|coworker|kid|girl|boy|student|ex|neighbou?r)|"
        r"cyber ?bull\w*|threaten(?:s|ing)? (?:my|her|him|his) (?:ex|family|neighbou?r|coworker|classmate)|"
        r"(?:ruin|destroy) (?:her|his|my ex s) reputation|embarrassing video of my (?:ex|coworker|classmate|teacher|boss)"),
    "dangerous": _rx(
        r"(?:how to|tutorial|step by step|instructions|recipe|guide) (?:\w+ ){0,3}(?:make|build|cook|synthesi[sz]e|brew|"
        r"assemble|manufacture|mix|craft) (?:a |an |some |homemade )?(?:bomb\w*|pipe bombs?|explosives?|ied|napalm|"
        r"meth|methamphetamine|crystal meth|fentanyl|heroin|cocaine|crack|lsd|mdma|ricin|sarin|nerve (?:gas|agent)|"
        r"chlorine gas|mustard gas|anthrax|poison\w*|ghost guns?|untraceable guns?|silencers?|suppressors?|"
        r"molotov\w*|thermite|c4|tnt|dirty bomb|bioweapons?|chemical weapons?|machine guns?|full auto)|"
        r"cook(?:s|ing)? meth|meth lab|synthesi[sz]\w* (?:meth|fentanyl|sarin|ricin|heroin|mdma|lsd|nerve agent)|"
        r"3d print\w* (?:a )?(?:guns?|firearms?)|hotwir\w* (?:a|the) car|"
        r"(?:how to|tutorial|step by step|instructions|guide) (?:\w+ ){0,2}(?:hack into|break into|steal|shoplift|launder|"
        r"counterfeit|forge|pick a lock|poison|smuggle|evade police|get away with|skim credit cards|make a fake id|"
        r"bypass (?:an )?alarm|disable (?:a )?security camera)|"
        r"poison(?:s|ing)? (?:my|her|his|their|someone s|the) (?:husband|wife|boss|neighbou?r|coworker|family|drink|food)|"
        r"launder(?:ing)? money|money laundering scheme|credit card (?:fraud|skimm\w*)|counterfeit (?:money|bills|cash)|"
        r"buy(?:ing)? (?:drugs|cocaine|heroin|fentanyl|guns) (?:online|on the dark ?web)|dark ?web (?:drugs|guns|market)|"
        r"recipe for (?:ricin|sarin|meth|napalm|a bomb|explosives|nerve gas|poison)|to full auto|date rape drug|roofie\w*|spike(?:s|d)? (?:her|his|a) drink|ghb recipe|convert\w* (?:an? )?(?:ar ?15|rifle|glock) to full auto"),
}


@dataclass(frozen=True)
class RuleHit:
    """A rule that matched: its category and the matched words."""

    category: str
    match: str


def strip_benign(words_text: str) -> str:
    """Remove harmless phrases that contain a flagged word ("the naked eye", "minor key")."""
    return BENIGN_PHRASES.sub(" ", words_text)


def minors_involved(words_text: str) -> bool:
    """Whether the prompt mentions a child or a minor."""
    return bool(MINOR_RX.search(strip_benign(words_text)))


# Harassment is an act against a particular private person: a targeted person (someone of the requester's own
# circle, "this girl", an insult addressed to "she/he/you") together with a demeaning act. Either alone is harmless
# ("a birthday surprise for my coworker", "a comedian making fun of airline food").
RELATION = (r"classmates?|coworkers?|co workers?|colleagues?|roommates?|room mates?|flatmates?|neighbou?rs?|ex|"
            r"ex (?:girlfriend|boyfriend|wife|husband|partner)|teachers?|boss|manager|landlord|sister|brother|"
            r"cousin|step ?(?:mom|mum|dad|sister|brother)|friends?|girlfriend|boyfriend|wife|husband|crush|"
            r"girl|boy|kid|student|guy|woman|man|lady|streamer|tenant|nanny|babysitter")
TARGET_RX = _rx(r"(?:my|our|this|that|her|his) (?:\w+ ){0,2}(?:" + RELATION + r")(?:s| s)?")
DIRECTED_RX = _rx(  # an act aimed at the person named right after it ("ridiculing my roommate's lisp")
    r"(?:make|makes|making) fun of|mock(?:s|ed|ing)?|ridicul\w*|humiliat\w*|sham(?:e|es|ed|ing)|insult\w*|"
    r"bull(?:y|ies|ied|ying)|harass\w*|expos(?:e|es|ing) where")
STATEMENT_RX = _rx(  # said about the person anywhere in the prompt ("tell my coworker she should just die")
    r"should (?:just )?(?:die|disappear|kill (?:herself|himself|themselves))|deserves? to (?:die|suffer)|"
    r"nobody will (?:ever )?(?:love|like|want) (?:her|him|them|you)|harass(?:es|ed|ing)? (?:her|him|them)")
SUBJECT = r"(?:she|he|you|(?:my|our|this|that) (?:\w+ ){0,2}(?:" + RELATION + r"))"
INSULT_RX = _rx(
    SUBJECT + r" (?:is|are|s|re) (?:such )?(?:an? )?(?:\w+ ){0,2}(?:pig|cow|whore|slut|bitch|freak|"
    r"idiot|retard|failure|waste of space)",
    SUBJECT + r" (?:is|are|s|re) (?:such )?(?:an? )?(?:worthless|pathetic|disgusting|stupid|ugly) (?:\w+ )?loser",
    r"(?:mock\w*|make fun of|laugh\w* at|ridicul\w*|humiliat\w*) (?:a |an |the |this |that )?(?:disabled|"
    r"handicapped|autistic|deaf|blind|crippled?|fat|overweight|ugly) (?:kids?|child(?:ren)?|boys?|girls?|man|men|"
    r"woman|women|person|people|students?)",
    r"laugh\w* at (?:my|our|her|his|this|that) (?:\w+ ){0,2}(?:" + RELATION + r")(?:s| s)? (?:\w+ )?(?:stutter|"
    r"lisp|acne|pimples|teeth|weight|body|disability|scars?|accent|fat|wheelchair)",
    r"nobody will (?:ever )?love you",
    r"make (?:everyone|everybody|people|the whole \w+)(?: \w+){0,3} (?:hate|laugh at|mock|bully|attack) "
    r"(?:her|him|them|this|that|my)")


def targeted_harassment(text: str) -> str | None:
    """The matched words when a prompt demeans a particular person, else None.

    A direct insult or a mocking of a disability counts alone; otherwise it takes a targeted person (TARGET_RX) with
    an act aimed at them (an act right before the person) or a statement about them anywhere in the prompt.
    """
    m = INSULT_RX.search(text)
    if m:
        return m.group(0)
    directed = re.search(DIRECTED_RX.pattern + r" (?:\w+ ){0,3}?" + TARGET_RX.pattern, text)
    if directed:
        return directed.group(0)
    target = TARGET_RX.search(text)
    said = STATEMENT_RX.search(text) if target else None
    return f"{target.group(0)} … {said.group(0)}" if target and said else None


def match_rules(words_text: str) -> list[RuleHit]:
    """Every category whose curated rules match, sexual content involving minors first."""
    text = strip_benign(words_text)
    hits: list[RuleHit] = []
    m = ALWAYS_MINORS_RX.search(text)
    if m:
        hits.append(RuleHit("sexual_minors", m.group(0)))
    elif MINOR_RX.search(text):
        s = SUGGESTIVE_RX.search(text)
        if s:
            hits.append(RuleHit("sexual_minors", s.group(0)))
    for code, rx in RULES.items():
        m = rx.search(text)
        if m:
            hits.append(RuleHit(code, m.group(0)))
    if not any(h.category == "harassment" for h in hits):
        found = targeted_harassment(text)
        if found:
            hits.append(RuleHit("harassment", found))
    return hits
