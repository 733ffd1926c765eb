// Deterministic generated memories and search queries for bench/memories.ts: sentences from per-topic
// templates and word lists, so texts (and their embeddings) cluster by topic like real notes do, yet
// vary enough that no two vectors are alike. Everything comes from one seeded PRNG: same seed, same corpus.

export interface Rng {
  /** Uniform in [0, 1). */
  readonly next: () => number
  /** Uniform integer in [0, n). */
  readonly int: (n: number) => number
  readonly pick: <A>(items: ReadonlyArray<A>) => A
  /** Standard normal (Box–Muller). */
  readonly gaussian: () => number
}

/** mulberry32: small, fast, good enough for test data. */
export const makeRng = (seed: number): Rng => {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  let spare: number | undefined
  return {
    next,
    int,
    pick: <A>(items: ReadonlyArray<A>): A => {
      if (items.length === 0) throw new Error("pick from an empty list")
      return items[int(items.length)]!
    },
    gaussian: () => {
      if (spare !== undefined) {
        const s = spare
        spare = undefined
        return s
      }
      let u = 0
      while (u === 0) u = next()
      const v = next()
      const r = Math.sqrt(-2 * Math.log(u))
      spare = r * Math.sin(2 * Math.PI * v)
      return r * Math.cos(2 * Math.PI * v)
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Word lists shared by every topic

const NAMES = [
  "Alice", "Bob", "Chen", "Dana", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemal", "Lena", "Mateo",
  "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe",
  "Marco", "Sofia", "Liam", "Amara"
]
const SURNAMES = ["Keller", "Okafor", "Tanaka", "Moreau", "Lindqvist", "Haddad", "Novak", "Silva", "Brennan", "Kowalski", "Ahmed", "Rossi"]
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
const CITIES = [
  "Lisbon", "Berlin", "Kyoto", "Toronto", "Nairobi", "Oslo", "Buenos Aires", "Seoul", "Marseille", "Edinburgh",
  "Istanbul", "Vancouver", "Porto", "Prague", "Cape Town", "Melbourne", "Hanoi", "Reykjavik", "Seville", "Montreal"
]
const ORDINALS = ["1st", "3rd", "5th", "8th", "12th", "15th", "20th", "22nd", "28th", "30th"]

type Slot = ReadonlyArray<string> | ((rng: Rng) => string)
interface Topic {
  readonly name: string
  readonly tags: ReadonlyArray<string>
  readonly memoryTypes: ReadonlyArray<string>
  readonly titles: ReadonlyArray<string>
  readonly templates: ReadonlyArray<string>
  readonly slots: Readonly<Record<string, Slot>>
}

const num = (lo: number, hi: number) => (rng: Rng) => String(lo + rng.int(hi - lo + 1))
const hour = (rng: Rng) => `${6 + rng.int(15)}:${rng.pick(["00", "15", "30", "45"])}`

const COMMON: Readonly<Record<string, Slot>> = {
  name: NAMES,
  surname: SURNAMES,
  day: DAYS,
  month: MONTHS,
  city: CITIES,
  ordinal: ORDINALS,
  hour,
  num: num(2, 90)
}

const TOPICS: ReadonlyArray<Topic> = [
  {
    name: "engineering",
    tags: ["engineering", "backend", "incident", "performance"],
    memoryTypes: ["note", "fact", "decision"],
    titles: ["Incident notes: {obj}", "Tech debt in {obj}", "{obj} follow-up"],
    templates: [
      "{name} {verb} {obj} on {day} after we found {issue}.",
      "We should move {obj} to {tech} before the {month} release.",
      "The root cause of {issue} in {obj} was {cause}.",
      "Latency of {obj} dropped from {num} ms to {small} ms once {name} {fix}.",
      "Remember to ask {name} about {issue} in {obj}.",
      "The on-call page on {day} night was {issue} in {obj}; {fix2} fixed it.",
      "{obj} needs better dashboards; nobody noticed {issue} for {num} minutes."
    ],
    slots: {
      obj: ["the payment service", "the login flow", "the search index", "the deploy pipeline", "the caching layer", "the mobile app", "the billing job", "the API gateway", "the database migration", "the onboarding emails", "the reporting worker", "the webhook handler"],
      verb: ["refactored", "debugged", "deployed", "rolled back", "profiled", "reviewed", "documented", "load-tested"],
      issue: ["a memory leak", "a race condition", "slow queries", "flaky tests", "a timeout", "a missing index", "high latency", "a deadlock", "stale cache entries", "a certificate expiry"],
      tech: ["Kubernetes", "a managed queue", "Postgres partitioning", "a read replica", "Rust", "serverless functions", "a CDN"],
      cause: ["an unbounded retry loop", "a missing index on created_at", "connection pool exhaustion", "a bad config flag", "clock skew between nodes", "an N+1 query"],
      fix: ["added the index", "cached the lookups", "batched the writes", "raised the pool size", "removed the retry storm"],
      fix2: ["restarting the workers", "a config rollback", "scaling out", "a hotfix from the team"],
      small: num(3, 40)
    }
  },
  {
    name: "cooking",
    tags: ["cooking", "recipes", "food"],
    memoryTypes: ["note", "recipe"],
    titles: ["Recipe: {dish}", "Dinner ideas", "Notes on {dish}"],
    templates: [
      "{name}'s {dish} needs {ingredient} and {ingredient2}; {technique} it for {num} minutes.",
      "Next time use less {ingredient} in the {dish}, it was too {taste}.",
      "The best {dish} I ever had was at a small place in {city}.",
      "For the {dish}, toast the {ingredient} first and add {ingredient2} at the very end.",
      "Bought {ingredient} at the market on {day} for the {dish}.",
      "{name} is allergic to {ingredient}, so skip it when cooking {dish} for the party."
    ],
    slots: {
      dish: ["lentil soup", "mushroom risotto", "shakshuka", "banana bread", "ramen", "paella", "green curry", "sourdough", "lasagna", "tacos al pastor", "miso salmon", "apple pie"],
      ingredient: ["garlic", "cumin", "fresh basil", "smoked paprika", "ginger", "coconut milk", "parmesan", "lime zest", "chili flakes", "saffron", "tahini", "brown butter"],
      ingredient2: ["lemon juice", "cilantro", "sesame oil", "a pinch of salt", "cream", "toasted pine nuts", "fish sauce", "honey"],
      technique: ["simmer", "roast", "braise", "bake", "stir-fry", "slow-cook"],
      taste: ["salty", "sweet", "bitter", "spicy", "bland", "sour"]
    }
  },
  {
    name: "travel",
    tags: ["travel", "trips", "planning"],
    memoryTypes: ["note", "plan"],
    titles: ["Trip to {city}", "Travel checklist", "{city} in {month}"],
    templates: [
      "Flight to {city} leaves on {day} at {hour}; check in online the day before.",
      "{name} recommended a {lodging} near the {landmark} in {city}.",
      "Pack {item} and {item2} for the trip to {city} in {month}.",
      "The train from {city} to {city2} takes about {small} hours and is cheaper if booked early.",
      "Lost my {item} at the airport in {city}; the claim number is {code}.",
      "In {city}, the {landmark} is closed on {day}s, go early on another day."
    ],
    slots: {
      lodging: ["guesthouse", "hostel", "boutique hotel", "apartment", "campsite", "ryokan"],
      landmark: ["old harbour", "cathedral", "botanical garden", "central market", "castle", "river walk", "national museum"],
      item: ["a power adapter", "hiking boots", "a rain jacket", "the passport", "sunscreen", "a travel pillow", "the camera charger"],
      item2: ["earplugs", "a first aid kit", "a reusable bottle", "warm socks", "the printed tickets"],
      city2: CITIES,
      small: num(2, 9),
      code: (rng) => `${String.fromCharCode(65 + rng.int(26))}${String.fromCharCode(65 + rng.int(26))}${1000 + rng.int(9000)}`
    }
  },
  {
    name: "health",
    tags: ["health", "fitness", "sleep"],
    memoryTypes: ["note", "log"],
    titles: ["Training log", "Health notes", "Check-up"],
    templates: [
      "Ran {small} km along the {route} on {day}, the pace felt {feel}.",
      "Dr. {surname} said to {advice} and to come back in {month}.",
      "Slept badly after {cause}; try {remedy} tonight.",
      "Did {num} minutes of {exercise} this morning, my {body} is still sore.",
      "Blood pressure was {bp} at the check-up, which is fine according to Dr. {surname}.",
      "Goal for {month}: {exercise} three times a week and {advice}."
    ],
    slots: {
      route: ["river", "park loop", "beach", "old railway path", "hill trail"],
      feel: ["easy", "heavy", "steady", "fast", "exhausting"],
      advice: ["cut down on coffee", "stretch every morning", "drink more water", "walk after dinner", "take vitamin D", "reduce screen time before bed"],
      cause: ["a late espresso", "a heavy dinner", "too much screen time", "a stressful meeting", "the neighbour's party"],
      remedy: ["chamomile tea", "reading a paper book", "a warm shower", "breathing exercises", "no phone after ten"],
      exercise: ["yoga", "swimming", "cycling", "strength training", "pilates", "rowing"],
      body: ["back", "left knee", "shoulder", "calves", "neck"],
      bp: (rng) => `${110 + rng.int(25)}/${70 + rng.int(15)}`,
      small: num(3, 21)
    }
  },
  {
    name: "finance",
    tags: ["finance", "budget", "bills"],
    memoryTypes: ["note", "fact"],
    titles: ["Budget {month}", "Bills", "Money notes"],
    templates: [
      "Paid the {bill} bill of {amount} euros on {day}.",
      "The {account} account needs a transfer before the {ordinal} of {month}.",
      "Budget for {category} this month is {amount} euros; we spent {amount2} so far.",
      "{name} still owes me {small} euros for the {category} last {day}.",
      "Cancel the {subscription} subscription before it renews in {month}.",
      "Tax documents for {category} go into the blue folder; the deadline is the {ordinal} of {month}."
    ],
    slots: {
      bill: ["electricity", "water", "internet", "phone", "rent", "insurance", "gas"],
      account: ["savings", "joint", "business", "pension", "checking"],
      category: ["groceries", "restaurants", "transport", "childcare", "home repairs", "gifts", "concert tickets"],
      subscription: ["streaming", "gym", "cloud storage", "newspaper", "music", "meal kit"],
      amount: num(20, 900),
      amount2: num(10, 700),
      small: num(5, 80)
    }
  },
  {
    name: "reading",
    tags: ["reading", "books", "learning"],
    memoryTypes: ["note", "quote", "summary"],
    titles: ["Book notes: {book}", "Reading list", "What I learned"],
    templates: [
      "Finished '{book}' by {author}; the chapter on {idea} was the best part.",
      "Key idea from the {course} course: {lesson}.",
      "{name} lent me '{book}', return it by {day}.",
      "Started reading about {idea}; the argument is that {lesson}.",
      "Add '{book}' to the list, {name} says it explains {idea} better than anything else."
    ],
    slots: {
      book: ["The Overstory", "Thinking, Fast and Slow", "Project Hail Mary", "Sapiens", "The Pragmatic Programmer", "Braiding Sweetgrass", "The Left Hand of Darkness", "Deep Work", "Designing Data-Intensive Applications", "Middlemarch"],
      author: ["Richard Powers", "Daniel Kahneman", "Andy Weir", "Ursula K. Le Guin", "Cal Newport", "Martin Kleppmann", "George Eliot", "Robin Wall Kimmerer"],
      idea: ["habit formation", "cognitive biases", "distributed consensus", "forest ecology", "attention and focus", "the history of money", "replication lag", "first contact"],
      course: ["statistics", "machine learning", "negotiation", "Spanish", "pottery", "public speaking"],
      lesson: ["small daily practice beats rare long sessions", "most errors come from the defaults", "feedback loops matter more than plans", "you should measure before you optimise", "trees share resources through their roots"]
    }
  },
  {
    name: "meetings",
    tags: ["work", "meetings", "decisions"],
    memoryTypes: ["meeting", "decision", "note"],
    titles: ["{meeting} notes", "Decisions {month}", "Action items"],
    templates: [
      "In the {meeting} with {name} we decided to {decision} by {month}.",
      "{name} owns the {item} and will report back on {day}.",
      "Action item: send {name} the {document} before the {meeting}.",
      "The {meeting} moved to {day} at {hour} because {name} is travelling to {city}.",
      "{name} raised concerns about {concern}; we agreed to revisit it in {month}.",
      "Hiring update: {name} will interview two candidates for the {role} role on {day}."
    ],
    slots: {
      meeting: ["weekly sync", "quarterly planning", "board meeting", "design review", "retrospective", "one-on-one", "budget review"],
      decision: ["freeze new features", "hire a second designer", "drop the legacy plan", "open an office in the north", "renegotiate the vendor contract", "ship the beta"],
      item: ["pricing page", "roadmap draft", "security audit", "customer survey", "launch checklist", "vendor evaluation"],
      document: ["slide deck", "contract draft", "hiring plan", "quarterly report", "meeting minutes", "budget spreadsheet"],
      concern: ["the release date", "team workload", "the cloud bill", "customer churn", "onboarding quality"],
      role: ["frontend", "data engineer", "product manager", "support lead", "designer"]
    }
  },
  {
    name: "home",
    tags: ["home", "garden", "chores"],
    memoryTypes: ["note", "todo"],
    titles: ["House notes", "Garden", "Repairs"],
    templates: [
      "Water the {plant} every {small} days; it dislikes {condition}.",
      "The {appliance} started making a {noise} noise, call the repair service on {day}.",
      "Paint for the {room} is {color}, bought {small} litres at the hardware store.",
      "Plant the {plant} in {month}, after the last frost.",
      "{name} from next door can feed the cat while we are in {city}.",
      "The {appliance} warranty runs until {month}; the receipt is in the kitchen drawer."
    ],
    slots: {
      plant: ["fiddle leaf fig", "tomatoes", "basil", "lavender", "monstera", "orchid", "strawberries", "rosemary"],
      condition: ["direct sun", "cold drafts", "wet soil", "dry air", "being moved"],
      appliance: ["dishwasher", "washing machine", "boiler", "fridge", "oven", "dryer"],
      noise: ["grinding", "clicking", "humming", "rattling", "squealing"],
      room: ["bedroom", "hallway", "kitchen", "study", "bathroom"],
      color: ["sage green", "warm white", "navy blue", "terracotta", "pale grey"],
      small: num(2, 14)
    }
  },
  {
    name: "personal",
    tags: ["family", "friends", "personal"],
    memoryTypes: ["note", "reminder"],
    titles: ["Birthdays", "Gift ideas", "People"],
    templates: [
      "{name}'s birthday is on the {ordinal} of {month}; they would love {gift}.",
      "Call {name} on {day} about {topic}.",
      "{name} just moved to {city} and is looking for {need}.",
      "Promised {name} to help with {topic} next {day}.",
      "{name} and {name2} are getting married in {city} in {month}."
    ],
    slots: {
      gift: ["a pottery class", "a good fountain pen", "concert tickets", "a board game", "a cookbook", "a plant", "noise-cancelling headphones"],
      topic: ["the moving boxes", "the school choice", "their new job", "the wedding plans", "the car repair", "the holiday schedule"],
      need: ["a flat", "a dentist", "a running club", "a job", "a babysitter"],
      name2: NAMES
    }
  },
  {
    name: "hobbies",
    tags: ["music", "photography", "hobbies"],
    memoryTypes: ["note", "log"],
    titles: ["Practice log", "Photo ideas", "Hobby notes"],
    templates: [
      "Practiced {piece} on the {instrument} for {num} minutes; the {section} still needs work.",
      "Shot the {subject} at {light} with the {lens} lens, the results were {result}.",
      "{name} can lend me a {gear} for the weekend in {city}.",
      "Band rehearsal moved to {day}; bring the {gear}.",
      "Try the {technique} technique on the {subject} next {day}."
    ],
    slots: {
      piece: ["a Bach prelude", "Autumn Leaves", "a Chopin nocturne", "Blackbird", "a Satie gymnopedie", "Take Five"],
      instrument: ["piano", "guitar", "cello", "saxophone", "ukulele", "violin"],
      section: ["bridge", "second movement", "intro", "solo", "coda"],
      subject: ["harbour", "street market", "old town", "mountains", "night sky", "portraits"],
      light: ["golden hour", "blue hour", "midday", "night", "overcast light"],
      lens: ["35mm", "50mm", "85mm", "wide-angle", "macro"],
      result: ["sharp and warm", "too noisy", "underexposed", "really good", "a bit soft"],
      gear: ["tripod", "amplifier", "metronome", "flash", "music stand", "microphone"],
      technique: ["long exposure", "fingerpicking", "double stop", "focus stacking", "vibrato"]
    }
  },
  {
    name: "customers",
    tags: ["sales", "customers", "support"],
    memoryTypes: ["note", "conversation"],
    titles: ["Account: {company}", "Customer feedback", "Deals"],
    templates: [
      "{company} asked for a discount on the {plan} plan; {name} will answer by {day}.",
      "Churn risk: {company} complained about {complaint}.",
      "{company} signed for {seats} seats on the {plan} plan starting in {month}.",
      "Support ticket from {company}: {complaint}; escalated to {name}.",
      "Demo for {company} went well, they want {feature} before they commit."
    ],
    slots: {
      company: ["Acme Corp", "Globex", "Initech", "Umbrella Labs", "Stark Logistics", "Wayne Foods", "Hooli", "Tyrell Systems", "Soylent Farms", "Cyberdyne Health"],
      plan: ["starter", "team", "business", "enterprise"],
      complaint: ["slow exports", "missing single sign-on", "confusing invoices", "the mobile app crashing", "too many emails", "search not finding documents"],
      seats: num(5, 400),
      feature: ["single sign-on", "an audit log", "a Slack integration", "data residency in Europe", "custom roles"]
    }
  }
]

const fill = (template: string, topic: Topic, rng: Rng): string =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const slot = topic.slots[key] ?? COMMON[key]
    if (slot === undefined) throw new Error(`no slot {${key}} in topic ${topic.name}`)
    return typeof slot === "function" ? slot(rng) : rng.pick(slot)
  })

export interface GeneratedMemory {
  readonly topic: string
  readonly title: string | undefined
  readonly content: string
  readonly tags: ReadonlyArray<string>
  readonly memoryType: string
}

/** Topic weights: a few topics dominate, as in anyone's notes. */
const TOPIC_WEIGHTS = TOPICS.map((_, i) => 1 / (1 + i * 0.3))
const TOPIC_TOTAL = TOPIC_WEIGHTS.reduce((a, b) => a + b, 0)
const pickTopic = (rng: Rng): Topic => {
  let r = rng.next() * TOPIC_TOTAL
  for (let i = 0; i < TOPICS.length; i++) {
    r -= TOPIC_WEIGHTS[i]!
    if (r < 0) return TOPICS[i]!
  }
  return TOPICS[TOPICS.length - 1]!
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

const generateOne = (rng: Rng): GeneratedMemory => {
  const topic = pickTopic(rng)
  const sentences = 1 + rng.int(4)
  const parts: Array<string> = []
  for (let i = 0; i < sentences; i++) parts.push(capitalize(fill(rng.pick(topic.templates), topic, rng)))
  const tagCount = rng.int(3)
  const tags = [...new Set(Array.from({ length: tagCount }, () => rng.pick(topic.tags)))]
  return {
    topic: topic.name,
    title: rng.next() < 0.4 ? fill(rng.pick(topic.titles), topic, rng) : undefined,
    content: parts.join(" "),
    tags,
    memoryType: rng.pick(topic.memoryTypes)
  }
}

/** `count` memories of 1–4 sentences, the same for the same seed. */
export const generateMemories = (count: number, seed: number): Array<GeneratedMemory> => {
  const rng = makeRng(seed)
  return Array.from({ length: count }, () => generateOne(rng))
}

const SWAPS: ReadonlyArray<ReadonlyArray<string>> = [DAYS, MONTHS, NAMES, CITIES]
const PREFIXES = ["Update:", "Again:", "Follow-up:", "Reminder:", "Note to self:", "Later:"]

/**
 * A near-duplicate of a memory, as people write the same thing twice: one weekday, month, name or
 * city swapped for another, and a short prefix.
 */
export const variantOf = (base: GeneratedMemory, rng: Rng): GeneratedMemory => {
  let content = base.content
  for (const list of SWAPS) {
    const present = list.filter((w) => content.includes(w))
    if (present.length > 0) {
      const from = rng.pick(present)
      content = content.replace(from, rng.pick(list))
      break
    }
  }
  return { ...base, content: `${rng.pick(PREFIXES)} ${content}` }
}

// Queries: a few content words of a memory, in order, sometimes wrapped in words the English full-text
// configuration drops as stop words (so keyword search still requires only the content words).
const STOP = new Set([
  "the", "and", "for", "with", "was", "are", "but", "not", "you", "all", "can", "her", "his", "our", "out", "has", "had",
  "its", "too", "use", "who", "why", "how", "did", "get", "got", "him", "she", "they", "them", "then", "than", "this",
  "that", "from", "have", "will", "what", "when", "were", "been", "into", "more", "some", "such", "only", "also",
  "very", "just", "once", "after", "before", "about", "their", "there", "which", "while", "would", "should", "still",
  "because", "next", "last", "every", "first", "each", "other", "another", "does", "being", "went", "want", "so", "it"
])
const WRAPS = ["{q}", "{q}", "{q}", "what about {q}", "{q}?", "when was the {q}", "where is the {q}", "that {q} again"]

export const queryFrom = (memory: GeneratedMemory, rng: Rng): string => {
  const words = memory.content
    .split(/[^A-Za-z']+/)
    .map((w) => w.replace(/^'+|'+$/g, ""))
    .filter((w) => w.length >= 3 && !STOP.has(w.toLowerCase()))
  const want = Math.min(words.length, 2 + rng.int(4))
  const start = rng.int(Math.max(1, words.length - want + 1))
  // A window of nearby words, with one dropped now and then: a paraphrase, not the sentence itself.
  const window = words.slice(start, start + want + 1)
  const drop = window.length > 2 && rng.next() < 0.5 ? 1 + rng.int(window.length - 1) : -1
  const kept = drop >= 0 ? window.filter((_, i) => i !== drop) : window.slice(0, want)
  return rng.pick(WRAPS).replace("{q}", kept.join(" ").toLowerCase())
}
