/// English (pinyin) names of Chinese provinces and cities, so that a directory by region counts
/// `Jiangsu·Suzhou` with `江苏·苏州` and `Shanghai` with `上海·浦东新区`.
///
/// Written for this project: the provinces, and the prefecture-level and larger county-level cities that
/// manufacturing and IT postings name. Names are matched without case, spaces, hyphens or apostrophes
/// (`Xi'an`, `Xian`; `Hong Kong`, `Hongkong`). Where one spelling is two cities (`Suzhou` 苏州 in Jiangsu and
/// 宿州 in Anhui), the province decides; without one, the name stays as written unless one city is far better
/// known (`Suzhou` → 苏州, `Fuzhou` → 福州).
enum RegionNames {
    /// Province (or municipality) in English → Chinese short name.
    static let provinces: [String: String] = {
        var out: [String: String] = [:]
        for pair in provinceTable.split(separator: " ") {
            let parts = pair.split(separator: ":")
            out[String(parts[0])] = String(parts[1])
        }
        return out
    }()

    /// City in English → the cities so spelled: (province in Chinese, city in Chinese, preferred without a
    /// province).
    static let cities: [String: [(province: String, city: String, preferred: Bool)]] = {
        var out: [String: [(province: String, city: String, preferred: Bool)]] = [:]
        for line in cityTable.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let province = fields.first else { continue }
            for entry in fields.dropFirst() {
                let parts = entry.split(separator: ":")
                let preferred = parts[0].hasSuffix("*")
                let name = preferred ? String(parts[0].dropLast()) : String(parts[0])
                out[name, default: []].append((String(province), String(parts[1]), preferred))
            }
        }
        return out
    }()

    /// Chinese city → its province (Chinese) and English spellings; a city whose name is in two provinces
    /// keeps no province.
    static let cityDetails: [String: (province: String?, english: [String])] = {
        var out: [String: (province: String?, english: [String])] = [:]
        for (english, cities) in cities.sorted(by: { $0.key < $1.key }) {
            for c in cities {
                var entry = out[c.city] ?? (c.province, [])
                if entry.province != c.province { entry.province = nil }
                if !entry.english.contains(english) { entry.english.append(english) }
                out[c.city] = entry
            }
        }
        return out
    }()

    /// Chinese province → its English names.
    static let provinceEnglish: [String: [String]] = {
        var out: [String: [String]] = [:]
        for (english, chinese) in provinces.sorted(by: { $0.key < $1.key }) { out[chinese, default: []].append(english) }
        return out
    }()

    /// The names a posting's region is also found by: its city and province, in Chinese and in English
    /// (`Jiangsu·Suzhou` → 苏州 江苏 suzhou jiangsu; `深圳·南山区` → 深圳 广东 shenzhen guangdong), so that
    /// `region:苏州` finds postings written in English and `region:广东` finds those naming only the city.
    /// Empty when the region names no Chinese city or province this table knows.
    static func searchNames(for raw: String) -> [String] {
        searchNames(forKey: DemandDirectory.regionKey(raw))
    }

    /// ``searchNames(for:)`` given the region's key (``DemandDirectory/regionKey(_:)``) already worked out.
    static func searchNames(forKey key: String) -> [String] {
        var names: [String] = []
        if let city = cityDetails[key] {
            names = [key] + city.english
            if let province = city.province, province != key {
                names += [province] + (provinceEnglish[province] ?? [])
            }
        } else if let english = provinceEnglish[key] {
            names = [key] + english
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// `Xi'an` → `xian`; `nil` when the text is not a Latin name.
    static func key(_ text: String) -> String? {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "a"..."z": out.unicodeScalars.append(scalar)
            case "A"..."Z": out.unicodeScalars.append(Unicode.Scalar(scalar.value + 32)!)
            case " ", "-", "'", "\u{2019}", ".": continue
            default: return nil
            }
        }
        return out.isEmpty ? nil : out
    }

    /// The Chinese name of a province given in English, or `nil`.
    static func province(_ text: String) -> String? {
        key(text).flatMap { provinces[$0] }
    }

    /// The Chinese name of a city given in English, in `province` (Chinese) when known; `nil` when the
    /// name is unknown or names several cities and nothing tells which.
    static func city(_ text: String, province: String?) -> String? {
        guard let name = key(text), let candidates = cities[name] else { return nil }
        if let province, let match = candidates.first(where: { $0.province == province }) { return match.city }
        if candidates.count == 1 { return candidates[0].city }
        return candidates.first(where: \.preferred)?.city
    }

    private static let provinceTable = """
        beijing:北京 shanghai:上海 tianjin:天津 chongqing:重庆 hebei:河北 shanxi:山西 liaoning:辽宁 jilin:吉林 \
        heilongjiang:黑龙江 jiangsu:江苏 zhejiang:浙江 anhui:安徽 fujian:福建 jiangxi:江西 shandong:山东 \
        henan:河南 hubei:湖北 hunan:湖南 guangdong:广东 hainan:海南 sichuan:四川 guizhou:贵州 yunnan:云南 \
        shaanxi:陕西 gansu:甘肃 qinghai:青海 taiwan:台湾 innermongolia:内蒙古 neimenggu:内蒙古 guangxi:广西 \
        tibet:西藏 xizang:西藏 ningxia:宁夏 xinjiang:新疆 hongkong:香港 macau:澳门 macao:澳门
        """

    // One line per province: its Chinese name, then `english:城市` entries (`*`: preferred when the
    // spelling is shared and no province is given). Municipalities and Hong Kong/Macau name themselves.
    private static let cityTable = """
        北京 beijing:北京 peking:北京
        上海 shanghai:上海
        天津 tianjin:天津
        重庆 chongqing:重庆
        香港 hongkong:香港
        澳门 macau:澳门 macao:澳门
        广东 guangzhou:广州 canton:广州 shenzhen:深圳 dongguan:东莞 foshan:佛山 zhuhai:珠海 huizhou:惠州 zhongshan:中山 jiangmen:江门 shantou:汕头 zhaoqing:肇庆 qingyuan:清远 zhanjiang:湛江 maoming:茂名 shaoguan:韶关 jieyang:揭阳 chaozhou:潮州 meizhou:梅州 heyuan:河源 yangjiang:阳江 shanwei:汕尾 yunfu:云浮 shunde:顺德
        江苏 nanjing:南京 suzhou*:苏州 wuxi:无锡 changzhou:常州 nantong:南通 yangzhou:扬州 zhenjiang:镇江 taizhou:泰州 xuzhou:徐州 yancheng:盐城 huaian:淮安 lianyungang:连云港 suqian:宿迁 kunshan:昆山 jiangyin:江阴 changshu:常熟 zhangjiagang:张家港 yixing:宜兴 taicang:太仓
        浙江 hangzhou:杭州 ningbo:宁波 wenzhou:温州 jiaxing:嘉兴 huzhou:湖州 shaoxing:绍兴 jinhua:金华 quzhou:衢州 zhoushan:舟山 taizhou:台州 lishui:丽水 yiwu:义乌 cixi:慈溪 yuyao:余姚
        山东 jinan:济南 qingdao:青岛 yantai:烟台 weifang:潍坊 zibo:淄博 weihai:威海 linyi:临沂 jining:济宁 taian:泰安 rizhao:日照 dezhou:德州 liaocheng:聊城 binzhou:滨州 heze:菏泽 zaozhuang:枣庄 dongying:东营
        河南 zhengzhou:郑州 luoyang:洛阳 kaifeng:开封 xinxiang:新乡 nanyang:南阳 xuchang:许昌 anyang:安阳 jiaozuo:焦作 pingdingshan:平顶山 shangqiu:商丘 zhoukou:周口 xinyang:信阳 zhumadian:驻马店 luohe:漯河 puyang:濮阳 hebi:鹤壁 sanmenxia:三门峡
        湖北 wuhan:武汉 xiangyang:襄阳 yichang:宜昌 jingzhou:荆州 shiyan:十堰 huangshi:黄石 xiaogan:孝感 jingmen:荆门 ezhou:鄂州 huanggang:黄冈 xianning:咸宁 suizhou:随州
        湖南 changsha:长沙 zhuzhou:株洲 xiangtan:湘潭 hengyang:衡阳 yueyang:岳阳 changde:常德 yiyang:益阳 chenzhou:郴州 shaoyang:邵阳 loudi:娄底 yongzhou:永州 huaihua:怀化
        四川 chengdu:成都 mianyang:绵阳 deyang:德阳 yibin:宜宾 luzhou:泸州 nanchong:南充 leshan:乐山 zigong:自贡 suining:遂宁 neijiang:内江 dazhou:达州 meishan:眉山 guangyuan:广元 panzhihua:攀枝花
        安徽 hefei:合肥 wuhu:芜湖 bengbu:蚌埠 maanshan:马鞍山 anqing:安庆 fuyang:阜阳 huainan:淮南 huaibei:淮北 tongling:铜陵 chuzhou:滁州 luan:六安 xuancheng:宣城 bozhou:亳州 suzhou:宿州 chizhou:池州 huangshan:黄山
        福建 fuzhou*:福州 xiamen:厦门 quanzhou:泉州 zhangzhou:漳州 putian:莆田 sanming:三明 nanping:南平 longyan:龙岩 ningde:宁德 jinjiang:晋江
        江西 nanchang:南昌 ganzhou:赣州 jiujiang:九江 shangrao:上饶 yichun:宜春 jian:吉安 pingxiang:萍乡 xinyu:新余 jingdezhen:景德镇 fuzhou:抚州 yingtan:鹰潭
        河北 shijiazhuang:石家庄 tangshan:唐山 baoding:保定 langfang:廊坊 handan:邯郸 xingtai:邢台 cangzhou:沧州 hengshui:衡水 zhangjiakou:张家口 chengde:承德 qinhuangdao:秦皇岛
        山西 taiyuan:太原 datong:大同 changzhi:长治 jincheng:晋城 yuncheng:运城 linfen:临汾 jinzhong:晋中 yangquan:阳泉 shuozhou:朔州 xinzhou:忻州 lvliang:吕梁 luliang:吕梁
        陕西 xian:西安 baoji:宝鸡 xianyang:咸阳 weinan:渭南 yulin:榆林 yanan:延安 hanzhong:汉中
        辽宁 shenyang:沈阳 dalian:大连 anshan:鞍山 fushun:抚顺 benxi:本溪 dandong:丹东 jinzhou:锦州 yingkou:营口 fuxin:阜新 liaoyang:辽阳 panjin:盘锦 tieling:铁岭 chaoyang:朝阳 huludao:葫芦岛
        吉林 changchun:长春 jilin:吉林 siping:四平 tonghua:通化 songyuan:松原 yanji:延吉
        黑龙江 harbin:哈尔滨 haerbin:哈尔滨 daqing:大庆 qiqihar:齐齐哈尔 qiqihaer:齐齐哈尔 mudanjiang:牡丹江 jiamusi:佳木斯 yichun:伊春
        广西 nanning:南宁 liuzhou:柳州 guilin:桂林 yulin:玉林 wuzhou:梧州 beihai:北海 qinzhou:钦州
        云南 kunming:昆明 qujing:曲靖 yuxi:玉溪
        贵州 guiyang:贵阳 zunyi:遵义
        甘肃 lanzhou:兰州
        宁夏 yinchuan:银川
        青海 xining:西宁
        新疆 urumqi:乌鲁木齐 wulumuqi:乌鲁木齐
        内蒙古 hohhot:呼和浩特 huhehaote:呼和浩特 baotou:包头 ordos:鄂尔多斯 eerduosi:鄂尔多斯
        海南 haikou:海口 sanya:三亚
        西藏 lhasa:拉萨
        台湾 taipei:台北 taichung:台中 kaohsiung:高雄 tainan:台南 taoyuan:桃园 hsinchu:新竹
        """
}
