package com.crm.shopifysync.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import graphql.GraphQL;
import graphql.introspection.IntrospectionResultToSchema;
import graphql.language.Document;
import graphql.language.ScalarTypeDefinition;
import graphql.parser.Parser;
import graphql.schema.Coercing;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLInterfaceType;
import graphql.schema.GraphQLNamedType;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLUnionType;
import graphql.schema.GraphQLSchema;
import graphql.schema.TypeResolver;
import graphql.schema.idl.FieldWiringEnvironment;
import graphql.schema.idl.InterfaceWiringEnvironment;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.ScalarInfo;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.schema.idl.UnionWiringEnvironment;
import graphql.schema.idl.WiringFactory;
import graphql.validation.ValidationError;
import graphql.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Shopify's real Admin API schema (introspection of version 2026-07, from Shopify's own {@code @shopify/dev-mcp}
 * package), made executable: every request the simulator answers is parsed and validated against it, so a query
 * that passes here uses only fields, arguments and types Shopify has. Only the root fields the simulator implements
 * have data fetchers; all other fields read the maps {@link Shapes} renders.
 */
public final class AdminSchema {

    public static final String VERSION = "2026-07";
    private static final String RESOURCE = "/shopify-admin-schema-2026-07.json.gz";

    private final GraphQLSchema schema;

    private AdminSchema(GraphQLSchema schema) {
        this.schema = schema;
    }

    /** The schema without data: for validating documents. */
    public static AdminSchema validationOnly() {
        return new AdminSchema(build(Map.of()));
    }

    /** @param rootFetchers data fetchers by "Type.field", e.g. {@code "QueryRoot.customers"} */
    public static AdminSchema executable(Map<String, DataFetcher<?>> rootFetchers) {
        return new AdminSchema(build(rootFetchers));
    }

    public GraphQL graphQl() {
        return GraphQL.newGraphQL(schema).build();
    }

    /** Whether {@code objectType} implements the interface, or belongs to the union, {@code abstractType}. */
    public boolean isPossibleType(String abstractType, String objectType) {
        GraphQLType type = schema.getType(abstractType);
        GraphQLObjectType object = schema.getObjectType(objectType);
        return object != null && type instanceof GraphQLNamedType named && (type instanceof GraphQLInterfaceType || type instanceof GraphQLUnionType)
                && schema.isPossibleType(named, object);
    }

    /** The validation errors of a document (empty when it is valid), or the parse error. */
    public List<String> validate(String document) {
        Document parsed;
        try {
            parsed = Parser.parse(document);
        } catch (RuntimeException e) {
            return List.of("Parse error: " + e.getMessage());
        }
        return new Validator().validateDocument(schema, parsed, Locale.ENGLISH).stream().map(ValidationError::getMessage).toList();
    }

    @SuppressWarnings("unchecked")
    private static GraphQLSchema build(Map<String, DataFetcher<?>> rootFetchers) {
        Map<String, Object> introspection;
        try (InputStream in = new GZIPInputStream(AdminSchema.class.getResourceAsStream(RESOURCE))) {
            introspection = new ObjectMapper().readValue(in, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        Document sdl = new IntrospectionResultToSchema().createSchemaDefinition((Map<String, Object>) introspection.get("data"));
        TypeDefinitionRegistry registry = new SchemaParser().buildRegistry(sdl);
        RuntimeWiring.Builder wiring = RuntimeWiring.newRuntimeWiring().wiringFactory(new MapWiring(rootFetchers));
        for (ScalarTypeDefinition scalar : registry.scalars().values()) {
            if (!ScalarInfo.isGraphqlSpecifiedScalar(scalar.getName())) {
                wiring.scalar(passThrough(scalar.getName()));
            }
        }
        return new SchemaGenerator().makeExecutableSchema(registry, wiring.build());
    }

    /** Shopify's custom scalars (DateTime, Money, UnsignedInt64, URL, ...) travel as the strings the shapes hold. */
    private static GraphQLScalarType passThrough(String name) {
        return GraphQLScalarType.newScalar().name(name).coercing(new Coercing<Object, Object>() {
            @Override
            public Object serialize(Object value) {
                return value;
            }

            @Override
            public Object parseValue(Object input) {
                return input;
            }

            @Override
            public Object parseLiteral(Object input) {
                return input instanceof graphql.language.StringValue string ? string.getValue()
                        : input instanceof graphql.language.IntValue number ? number.getValue()
                        : input instanceof graphql.language.BooleanValue bool ? bool.isValue() : input.toString();
            }
        }).build();
    }

    /** Root fields from the given fetchers; abstract types resolved from the {@code __typename} each map carries. */
    private record MapWiring(Map<String, DataFetcher<?>> rootFetchers) implements WiringFactory {

        private static final TypeResolver BY_TYPENAME = env -> {
            Object value = env.getObject();
            String name = value instanceof Map<?, ?> map ? (String) map.get("__typename") : null;
            return name == null ? null : env.getSchema().getObjectType(name);
        };

        @Override
        public boolean providesTypeResolver(InterfaceWiringEnvironment environment) {
            return true;
        }

        @Override
        public TypeResolver getTypeResolver(InterfaceWiringEnvironment environment) {
            return BY_TYPENAME;
        }

        @Override
        public boolean providesTypeResolver(UnionWiringEnvironment environment) {
            return true;
        }

        @Override
        public TypeResolver getTypeResolver(UnionWiringEnvironment environment) {
            return BY_TYPENAME;
        }

        @Override
        public boolean providesDataFetcher(FieldWiringEnvironment environment) {
            return rootFetchers.containsKey(key(environment));
        }

        @Override
        public DataFetcher<?> getDataFetcher(FieldWiringEnvironment environment) {
            return rootFetchers.get(key(environment));
        }

        private static String key(FieldWiringEnvironment environment) {
            return environment.getParentType().getName() + "." + environment.getFieldDefinition().getName();
        }
    }
}
