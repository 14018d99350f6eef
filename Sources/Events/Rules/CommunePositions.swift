/// Where the communes of the pilot territories are: the area-weighted centroid of each commune's
/// outline in `../shared/data/communes_35.geojson` (IGN Admin Express, Licence Ouverte), computed
/// once by `scripts/commune-positions.py` and written here. The communes table has no coordinates;
/// a commune missing here is simply left out of the "near" filter.
public enum CommunePositions {
    public static func of(_ code: String) -> (latitude: Double, longitude: Double)? { table[code] }

    static let table: [String: (latitude: Double, longitude: Double)] = [
        "35006": (latitude: 48.0484, longitude: -1.1385),  // Argentré-du-Plessis
        "35008": (latitude: 47.9581, longitude: -1.1857),  // Availles-sur-Seiche
        "35014": (latitude: 48.0111, longitude: -1.3054),  // Bais
        "35015": (latitude: 48.1779, longitude: -1.1832),  // Balazé
        "35037": (latitude: 48.0447, longitude: -1.8656),  // Bréal-sous-Montfort
        "35038": (latitude: 48.0925, longitude: -1.0606),  // Bréal-sous-Vitré
        "35042": (latitude: 48.0117, longitude: -1.0986),  // Brielles
        "35052": (latitude: 48.1388, longitude: -1.3008),  // Champeaux
        "35061": (latitude: 48.1403, longitude: -1.0896),  // La Chapelle-Erbrée
        "35068": (latitude: 48.1198, longitude: -1.404),  // Châteaubourg
        "35072": (latitude: 48.2288, longitude: -1.1647),  // Châtillon-en-Vendelais
        "35087": (latitude: 48.0823, longitude: -1.3139),  // Cornillé
        "35096": (latitude: 48.0673, longitude: -1.4062),  // Domagné
        "35097": (latitude: 47.9993, longitude: -1.2393),  // Domalain
        "35102": (latitude: 47.9021, longitude: -1.2601),  // Drouges
        "35105": (latitude: 48.1093, longitude: -1.1169),  // Erbrée
        "35109": (latitude: 48.0697, longitude: -1.216),  // Étrelles
        "35119": (latitude: 47.9981, longitude: -1.1329),  // Gennes-sur-Seiche
        "35125": (latitude: 47.9439, longitude: -1.2432),  // La Guerche-de-Bretagne
        "35141": (latitude: 48.161, longitude: -1.2849),  // Landavran
        "35161": (latitude: 48.0523, longitude: -1.3387),  // Louvigné-de-Bais
        "35166": (latitude: 48.147, longitude: -1.3526),  // Marpiré
        "35169": (latitude: 47.9783, longitude: -2.0161),  // Maxent
        "35170": (latitude: 48.2411, longitude: -1.2866),  // Mecé
        "35183": (latitude: 48.0845, longitude: -1.0903),  // Mondevert
        "35185": (latitude: 48.2046, longitude: -1.1209),  // Montautour
        "35187": (latitude: 48.06, longitude: -1.9905),  // Monterfil
        "35192": (latitude: 48.2508, longitude: -1.2279),  // Montreuil-des-Landes
        "35194": (latitude: 48.1512, longitude: -1.2426),  // Montreuil-sous-Pérouse
        "35198": (latitude: 48.0087, longitude: -1.363),  // Moulins
        "35199": (latitude: 47.9176, longitude: -1.2796),  // Moussé
        "35200": (latitude: 47.9761, longitude: -1.2052),  // Moutiers
        "35211": (latitude: 48.0303, longitude: -2.1733),  // Paimpont
        "35217": (latitude: 48.0345, longitude: -1.056),  // Le Pertre
        "35223": (latitude: 47.9967, longitude: -2.0798),  // Plélan-le-Grand
        "35229": (latitude: 48.115, longitude: -1.2591),  // Pocé-les-Bois
        "35232": (latitude: 48.2375, longitude: -1.1058),  // Princé
        "35235": (latitude: 47.9003, longitude: -1.227),  // Rannée
        "35252": (latitude: 48.1003, longitude: -1.2914),  // Saint-Aubin-des-Landes
        "35260": (latitude: 48.2267, longitude: -1.2364),  // Saint-Christophe-des-Bois
        "35264": (latitude: 48.0932, longitude: -1.3579),  // Saint-Didier
        "35272": (latitude: 48.0048, longitude: -1.1727),  // Saint-Germain-du-Pinel
        "35283": (latitude: 48.1212, longitude: -1.3397),  // Saint-Jean-sur-Vilaine
        "35300": (latitude: 48.1724, longitude: -1.1114),  // Saint-M'Hervé
        "35305": (latitude: 48.0569, longitude: -2.0645),  // Saint-Péran
        "35319": (latitude: 48.0335, longitude: -1.9406),  // Saint-Thurial
        "35325": (latitude: 47.9428, longitude: -1.1703),  // La Selle-Guerchaise
        "35330": (latitude: 48.1843, longitude: -1.24),  // Taillis
        "35338": (latitude: 48.0613, longitude: -1.2707),  // Torcé
        "35340": (latitude: 48.0316, longitude: -2.0087),  // Treffendel
        "35347": (latitude: 48.1898, longitude: -1.3051),  // Val-d'Izé
        "35350": (latitude: 48.0359, longitude: -1.2557),  // Vergéal
        "35359": (latitude: 47.9604, longitude: -1.2985),  // Visseiche
        "35360": (latitude: 48.1141, longitude: -1.1935),  // Vitré
    ]
}
