package com.crm.shopifysync.sync.shop;

import com.crm.shopifysync.model.ShopDomains;
import org.eclipse.microprofile.config.spi.Converter;

/** Reads a configured shop domain normalized, as every other edge does. */
public class ShopDomainConverter implements Converter<String> {

    @Override
    public String convert(String value) {
        return ShopDomains.normalize(value);
    }
}
