"""A small multilingual sample for the language detector, written for ModLens (no dataset text).

Each language has a short (3-5 words), a medium and a long sentence in the style of
comments (complaints, chat, insults without slurs), so accuracy can be read by
length. ``MIXED`` holds code-switched posts whose expected language is the one
most of the words are in.
"""

from __future__ import annotations

SAMPLES: dict[str, tuple[str, str, str]] = {
    "en": (
        "this is so stupid",
        "I can't believe you said that about her in front of everyone",
        "Honestly the moderators here never read the reports, they just delete whatever annoys them and ban the rest",
    ),
    "fr": (
        "c'est vraiment nul",
        "Je ne comprends pas pourquoi tu as dit ça devant tout le monde",
        "Franchement les modérateurs ne lisent jamais les signalements, ils suppriment ce qui les dérange",
    ),
    "de": (
        "das ist total dumm",
        "Ich kann nicht glauben, dass du das vor allen gesagt hast",
        "Ehrlich gesagt lesen die Moderatoren hier nie die Meldungen, sie löschen einfach alles, was sie stört",
    ),
    "es": (
        "esto es muy tonto",
        "No puedo creer que dijeras eso delante de todo el mundo",
        "Sinceramente los moderadores nunca leen las denuncias, borran lo que les molesta y expulsan al resto",
    ),
    "it": (
        "è davvero stupido",
        "Non posso credere che tu l'abbia detto davanti a tutti quanti",
        "Sinceramente i moderatori qui non leggono mai le segnalazioni, cancellano quello che li disturba e basta",
    ),
    "pt": (
        "isso é muito idiota",
        "Não acredito que você disse isso na frente de todo mundo",
        "Sinceramente os moderadores daqui nunca leem as denúncias, apagam o que os incomoda e banem o resto",
    ),
    "nl": (
        "dit is echt dom",
        "Ik kan niet geloven dat je dat voor iedereen hebt gezegd",
        "Eerlijk gezegd lezen de moderators hier nooit de meldingen, ze verwijderen gewoon wat hen stoort",
    ),
    "pl": (
        "to jest naprawdę głupie",
        "Nie mogę uwierzyć, że powiedziałeś to przy wszystkich",
        "Szczerze mówiąc moderatorzy nigdy nie czytają zgłoszeń, po prostu usuwają to, co im przeszkadza",
    ),
    "ru": (
        "это очень глупо",
        "Не могу поверить, что ты сказал это при всех",
        "Честно говоря, модераторы здесь никогда не читают жалобы, они просто удаляют всё, что их раздражает",
    ),
    "tr": (
        "bu gerçekten aptalca",
        "Bunu herkesin önünde söylediğine inanamıyorum",
        "Açıkçası buradaki moderatörler şikayetleri hiç okumuyor, sadece canlarını sıkan her şeyi siliyorlar",
    ),
    "ar": (
        "هذا غبي جدا",
        "لا أصدق أنك قلت ذلك أمام الجميع",
        "بصراحة المشرفون هنا لا يقرؤون البلاغات أبدا، بل يحذفون كل ما يزعجهم ويحظرون الباقين",
    ),
    "hi": (
        "यह बहुत बेवकूफी है",
        "मुझे विश्वास नहीं होता कि तुमने सबके सामने ऐसा कहा",
        "सच कहूं तो यहां के मॉडरेटर कभी शिकायतें नहीं पढ़ते, बस जो उन्हें परेशान करता है उसे हटा देते हैं",
    ),
    "zh": (
        "这太蠢了",
        "我不敢相信你在所有人面前说了那种话",
        "说实话这里的版主从来不看举报，他们只是删掉让他们不爽的内容，然后把其他人都封掉",
    ),
    "ja": (
        "本当にばかげてる",
        "みんなの前でそんなことを言ったなんて信じられない",
        "正直に言うと、ここのモデレーターは通報を全然読まないで、気に入らない投稿を消すだけです",
    ),
    "ko": (
        "이건 정말 멍청해",
        "네가 모두 앞에서 그런 말을 했다니 믿을 수 없어",
        "솔직히 여기 관리자들은 신고를 전혀 읽지 않고 마음에 안 드는 글만 지워 버려요",
    ),
    "id": (
        "ini benar-benar bodoh",
        "Aku tidak percaya kamu mengatakan itu di depan semua orang",
        "Jujur saja para moderator di sini tidak pernah membaca laporan, mereka hanya menghapus yang mengganggu mereka",
    ),
}

MIXED: tuple[tuple[str, str], ...] = (
    ("en", "lol my abuela is going to kill me if she sees this, no way"),
    ("es", "Estoy tan cansado de esta gente, like seriously, no entienden nada de nada"),
    ("en", "That was the best concert ever, c'est la vie I guess, see you next year"),
    ("de", "Das war einfach zu viel für mich, sorry, aber ich gehe jetzt nach Hause"),
    ("en", "@bob check https://example.com it's hilarious 😂😂 #fail"),
)
